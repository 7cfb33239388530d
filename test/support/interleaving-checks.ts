/**
 * The invariants the interleaving test checks after each sequence, on what the runtime stored and
 * what Temporal says: no send while paused or after archive; every run ended or waits with a reason;
 * each granted entry has one ledger row, closed once its run ended; each run counted at most one
 * conversion; and each run's journal is the simulator's for the same inputs (its entry event, the
 * events sent to it, the operator's controls).
 */
import type { Client } from '@temporalio/client';
import { expect } from 'vitest';
import type { CustomerEvent } from '../../engine/inputs.js';
import { simulateCustomer, type OperatorControl } from '../../engine/simulator/simulate-customer.js';
import type { Models } from '../../store/models/index.js';
import type { JourneyStateView } from '../../workflows/signals.js';
import type { Which } from './interleaving.js';
import { readEntryInputs } from './entry-inputs.js';
import { compileTestJourney } from './test-journeys.js';

/** A delivery checks the head a moment before its answer is journaled; runtime times run a little behind the simulator's. */
const SLACK = 60_000;

export interface PlayedRun {
  journey: Which;
  workflowId: string;
  runId: string;
  customerId: string;
  /** The seminar of a keyed run. */
  key: string | null;
  entryEvent: CustomerEvent;
  /** The journey's source at entry (the version the run pinned). */
  source: string;
}

export interface PlayedEvent {
  journey: Which;
  customerId: string;
  /** The keyed run it is for; `null` for every run of the customer. */
  key: string | null;
  event: CustomerEvent;
}

/** What a sequence did, as the checks need it. */
export interface Played {
  ids: Record<Which, string>;
  controls: Record<Which, OperatorControl[]>;
  runs: PlayedRun[];
  events: PlayedEvent[];
  /** When the checks run (the simulation stops there). */
  endMs: number;
}

/**
 * Checks every invariant of one played sequence; returns how many runs were compared with the simulator
 * and how many of them took an input while their entry was under way (`early`).
 */
export async function checkInvariants(
  client: Client,
  models: Models,
  played: Played,
): Promise<{ runs: number; early: number }> {
  for (const which of ['cart', 'seminar'] as const) {
    const journeyId = played.ids[which];
    const rows = await models.JournalRow.find({ journeyId }, { _id: 0, rowId: 1, action: 1, at: 1 }).lean();
    checkNoBlockedSend(rows, played.controls[which]);
    checkOneConversion(rows);
    await checkLedger(client, models, journeyId);
  }
  await checkWaiting(client, played.runs);
  let early = 0;
  for (const run of played.runs) if (await checkAgainstSimulator(client, models, played, run)) early += 1;
  return { runs: played.runs.length, early };
}

function statusAt(controls: OperatorControl[], t: number): OperatorControl['type'] {
  return controls.filter((c) => c.atMs <= t).at(-1)?.type ?? 'resume';
}

/** No send while paused or after archive (a delivery that checked the head just before is allowed). */
function checkNoBlockedSend(rows: { rowId: string; action: string; at: Date }[], controls: OperatorControl[]) {
  for (const row of rows.filter((r) => r.action === 'sent')) {
    const t = row.at.getTime();
    const blocked = statusAt(controls, t) !== 'resume' && statusAt(controls, t - SLACK) !== 'resume';
    expect({ row: row.rowId, blocked }).toEqual({ row: row.rowId, blocked: false });
  }
}

/** Each run (chain) counts at most one conversion. */
function checkOneConversion(rows: { rowId: string; action: string }[]) {
  const conversions = new Map<string, number>();
  for (const row of rows.filter((r) => r.action === 'converted')) {
    const chain = row.rowId.split('/').slice(0, -1).join('/');
    conversions.set(chain, (conversions.get(chain) ?? 0) + 1);
  }
  for (const [chain, count] of conversions) expect({ chain, count }).toEqual({ chain, count: 1 });
}

/** Each granted entry: one ledger row, closed exactly when its run has ended. */
async function checkLedger(client: Client, models: Models, journeyId: string) {
  const entries = await models.Entry.find(
    { journeyId, granted: true },
    { _id: 0, workflowId: 1, runId: 1, outcome: 1 },
  ).lean();
  const byRun = new Map<string, number>();
  for (const e of entries) byRun.set(String(e.runId), (byRun.get(String(e.runId)) ?? 0) + 1);
  for (const [runId, count] of byRun) expect({ runId, count }).toEqual({ runId, count: 1 });
  for (const e of entries) {
    const { status } = await client.workflow.getHandle(String(e.workflowId), String(e.runId)).describe();
    const running = status.name === 'RUNNING' || status.name === 'CONTINUED_AS_NEW';
    expect({ run: e.runId, status: status.name, closed: e.outcome !== null }).toEqual({
      run: e.runId,
      status: status.name,
      closed: !running,
    });
  }
}

/** Every run ended, or waits for something it names. */
async function checkWaiting(client: Client, runs: PlayedRun[]) {
  for (const workflowId of new Set(runs.map((r) => r.workflowId))) {
    const handle = client.workflow.getHandle(workflowId);
    if ((await handle.describe()).status.name !== 'RUNNING') continue;
    const view = await handle.query<JourneyStateView>('state');
    expect({ workflowId, waits: view.waitingFor.length > 0 }).toEqual({ workflowId, waits: true });
  }
}

/**
 * The run's journal (step, action, reason, and time within {@link SLACK}) is the simulator's for the same
 * inputs. Returns whether the run took an input while its entry was under way.
 */
async function checkAgainstSimulator(client: Client, models: Models, played: Played, run: PlayedRun): Promise<boolean> {
  const runtime = await runJournal(models, played, run);
  const label = `${run.workflowId} run ${run.runId}`;
  const events = played.events
    .filter((e) => e.journey === run.journey && e.customerId === run.customerId)
    .filter((e) => e.key === null || e.key === run.key)
    .map((e) => e.event);
  const answered = await claimAnswered(client, played, run, events);
  const sim = simulateCustomer({
    plan: compileTestJourney(run.source),
    customerId: run.customerId,
    profile: { email: `${run.customerId}@example.jp`, consent: { email: 'subscribed', line: 'unknown' } },
    entryEvent: run.entryEvent,
    events,
    startMs: run.entryEvent.timeMs,
    untilMs: played.endMs,
    controls: played.controls[run.journey],
    ...answered,
  });
  const simulated = sim.journal.map((r) => ({ row: [r.stepId, r.action, r.reason], atMs: r.atMs }));
  expect(
    runtime.map((r) => r.row),
    label,
  ).toEqual(simulated.map((r) => r.row));
  runtime.forEach((r, i) =>
    expect(Math.abs(r.atMs - simulated[i]!.atMs), `${label} row ${i} ${r.row.join(' ')}`).toBeLessThan(SLACK),
  );
  return answered.claimAnsweredMs !== undefined;
}

/** The run's journal rows in order: step, action, reason, and when. */
async function runJournal(models: Models, played: Played, run: PlayedRun) {
  const chain = `${run.workflowId}/${run.runId}/`;
  const stored = await models.JournalRow.find(
    { journeyId: played.ids[run.journey], customerId: run.customerId },
    { _id: 0, rowId: 1, stepId: 1, action: 1, reason: 1, at: 1 },
  ).lean();
  const seq = (rowId: string) => Number(rowId.slice(chain.length));
  return stored
    .filter((r) => r.rowId.startsWith(chain))
    .sort((a, b) => seq(a.rowId) - seq(b.rowId))
    .map((r) => ({ row: [r.stepId, r.action, r.reason], atMs: r.at.getTime() }));
}

/**
 * When the simulator's run takes its entry answer: just after the last input the runtime run took
 * before its first step (none: at once). Every later input must come after that moment.
 */
async function claimAnswered(
  client: Client,
  played: Played,
  run: PlayedRun,
  events: CustomerEvent[],
): Promise<{ claimAnsweredMs?: number }> {
  const taken = await readEntryInputs(client, run.workflowId, run.runId);
  const startMs = run.entryEvent.timeMs;
  const controls = played.controls[run.journey].filter((c) => c.atMs > startMs);
  // Only an archive's side of the first step shows in the journal: a pause or resume matters at a
  // send, which comes after the first wait, so either side of the entry gives the same journal.
  const archives = (list: OperatorControl[]) => list.filter((c) => c.type === 'archive').map((c) => c.atMs);
  const inputs = events.filter((e) => e.timeMs >= startMs && e.id !== run.entryEvent.id);
  const before = [
    ...inputs.filter((e) => taken.eventIds.has(e.id)).map((e) => e.timeMs),
    ...archives(controls.slice(0, taken.controls)),
  ];
  if (before.length === 0) return {};
  const claimAnsweredMs = Math.max(...before) + 1;
  const after = [
    ...inputs.filter((e) => !taken.eventIds.has(e.id)).map((e) => e.timeMs),
    ...archives(controls.slice(taken.controls)),
  ];
  expect(
    after.filter((t) => t < claimAnsweredMs),
    `${run.workflowId}: inputs after its entry that the simulator would take before it`,
  ).toEqual([]);
  return { claimAnsweredMs };
}
