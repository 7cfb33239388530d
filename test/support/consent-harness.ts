/**
 * The runtime ≡ simulator harness for delivery rules: one customer's run on the real runtime
 * (time-skipping Temporal, FerretDB, SMTP capture, LINE stand-in), with consent changes made during
 * the run through the real API (signed LINE webhooks, unsubscribe links from the mails received),
 * against `kizuna simulate` fed the events the runtime stored. Compares the journal (action and
 * reason), each deferral's `untilMs`, each send's moment and channel, and the messages delivered.
 */
import { createHash, createHmac } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import request from 'supertest';
import { expect } from 'vitest';
import type { Plan } from '../../definitions/plan.js';
import type { CustomerEvent } from '../../engine/index.js';
import { type DryRun, dryRun } from '../../engine/simulator/dry-run.js';
import { enterJourney } from '../../runtime/enter-journey.js';
import { findProfile } from '../../store/customers.js';
import { listJourneyHeads, setJourneyStatus } from '../../store/journeys.js';
import { readJournal, type JournalRow } from '../../store/journal.js';
import { LINE_SECRET, startApiHarness, type ApiHarness } from '../integration/api/harness.js';
import type { JourneyWorld } from './journey-world.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** The unsubscribe secret the journey world's delivery signs its links with. */
const UNSUBSCRIBE_SECRET = 'a-test-unsubscribe-secret-of-at-least-32-bytes';
/**
 * How far a runtime moment may lie from the simulator's: the runtime acts when its workflow task runs,
 * a few milliseconds (seconds on a loaded machine) after the moment the simulator acts at. A wrong rule
 * is off by hours (quiet hours) or a cap window, far beyond this.
 */
export const MOMENT_TOLERANCE_MS = 10_000;

/** A change of consent made while the run goes on, `afterMs` after the entry. */
export interface ConsentChange {
  /** A LINE follow or unfollow (signed webhook), or the one-click unsubscribe link of the last mail. */
  kind: 'follow' | 'unfollow' | 'unsubscribe';
  afterMs: number;
}

/** The API on the journey world's store and Temporal client, its clock on the server's. */
export interface ConsentApi {
  api: ApiHarness;
  /** Sets the API's clock (webhook freshness, unsubscribe times) to the time-skipping server's; returns it. */
  syncClock(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Starts the API and archives every example journey, so a follow or an unsubscribe enters none of
 * them: their sends would take the customer's frequency-cap slots.
 */
export async function startConsentApi(
  testFile: string,
  env: TestWorkflowEnvironment,
  world: JourneyWorld,
  taskQueue: string,
  ownJourneys: readonly string[],
): Promise<ConsentApi> {
  const clock = { nowMs: await env.currentTimeMs() };
  const api = await startApiHarness(
    testFile,
    {
      clock: () => clock.nowMs,
      unsubscribe: {
        models: world.store.models,
        secret: UNSUBSCRIBE_SECRET,
        shopName: 'Kizuna Coffee',
        clock: () => clock.nowMs,
      },
    },
    { store: world.store, client: env.client, taskQueue },
  );
  for (const head of await listJourneyHeads(world.store.models)) {
    if (!ownJourneys.includes(head.journeyId)) await setJourneyStatus(world.store.models, head.journeyId, 'archived');
  }
  return {
    api,
    syncClock: async () => (clock.nowMs = await env.currentTimeMs()),
    close: () => api.close(),
  };
}

/** The next moment `localHour` (fractional) in Tokyo at least an hour after `nowMs`. */
export function nextTokyoTime(nowMs: number, localHour: number): number {
  const utcHour = (((localHour - 9) % 24) + 24) % 24;
  const day = Math.floor((nowMs + HOUR) / DAY) * DAY;
  const at = day + utcHour * HOUR;
  return at >= nowMs + HOUR ? at : at + DAY;
}

/** A stable LINE user id for a customer id (32 hex characters after `U`). */
export function lineUserIdOf(customerId: string): string {
  return `U${createHash('md5').update(customerId).digest('hex')}`;
}

export interface ConsentCase {
  name: string;
  plan: Plan;
  /** Local hour in Tokyo of the entry. */
  enterAt: number;
  consent: { email: string; line: string };
  changes: ConsentChange[];
}

export interface ConsentRun {
  customerId: string;
  sim: DryRun;
  /** The runtime's journal, without the rows the API writes itself (an unsubscription). */
  journal: JournalRow[];
  /** Rows the API wrote (`unsubscribed`), kept apart: they are no engine step. */
  apiRows: JournalRow[];
  profile: Record<string, unknown>;
}

async function advanceTo(env: TestWorkflowEnvironment, atMs: number): Promise<void> {
  const now = await env.currentTimeMs();
  if (atMs > now) await env.sleep(atMs - now);
}

/** A customer with both addresses and the case's consent. */
function caseProfile(customerId: string, consent: ConsentCase['consent']): Record<string, unknown> {
  return {
    email: `${customerId}@example.jp`,
    lineUserId: lineUserIdOf(customerId),
    // A copy for conditions, the opposite of the consent: no delivery decision may read it.
    lineFollowing: consent.line !== 'following',
    consent,
    tags: [],
  };
}

/** Runs one case on the runtime, then on the simulator with the events the runtime stored. */
export async function runConsentCase(
  env: TestWorkflowEnvironment,
  world: JourneyWorld,
  consentApi: ConsentApi,
  c: ConsentCase,
): Promise<ConsentRun> {
  const customerId = `c-${c.plan.journeyId}-${c.name}`;
  const profile = caseProfile(customerId, c.consent);
  await world.store.models.Customer.create({ customerId, ...profile });
  const startMs = nextTokyoTime(await env.currentTimeMs(), c.enterAt);
  await advanceTo(env, startMs);
  await (
    await world.worker()
  ).runUntil(async () => {
    const entered = await enterJourney(world.runtime(), { journeyId: c.plan.journeyId, customerId, event: null });
    for (const change of c.changes) {
      await advanceTo(env, startMs + change.afterMs);
      await applyChange(world, consentApi, customerId, change);
    }
    await env.client.workflow.getHandle(entered.workflowId).result();
  });
  const rows = await readJournal(world.store.models, { journeyId: c.plan.journeyId, customerId });
  const sim = dryRun({
    plan: c.plan,
    customerId,
    profile: structuredClone(profile),
    events: await storedEvents(world, customerId),
    startMs,
    // Every run of these cases ends within it (the runtime's run is awaited to its end).
    durationMs: 5 * DAY,
  });
  return {
    customerId,
    sim,
    journal: rows.filter((r) => r.action !== 'unsubscribed'),
    apiRows: rows.filter((r) => r.action === 'unsubscribed'),
    profile,
  };
}

/** Makes the change as the customer would: LINE's signed webhook, or the link in the last mail received. */
async function applyChange(
  world: JourneyWorld,
  consentApi: ConsentApi,
  customerId: string,
  change: ConsentChange,
): Promise<void> {
  const nowMs = await consentApi.syncClock();
  const { app, pipeline } = consentApi.api;
  if (change.kind === 'unsubscribe') {
    const res = await request(app)
      .post(`/u/${lastUnsubscribeToken(world, customerId)}`)
      .type('form')
      .send({ 'List-Unsubscribe': 'One-Click' });
    expect(res.status, 'one-click unsubscribe').toBe(200);
  } else {
    const event = {
      type: change.kind,
      mode: 'active',
      timestamp: nowMs,
      webhookEventId: `01${createHash('md5').update(`${customerId}/${change.kind}/${nowMs}`).digest('hex')}`,
      deliveryContext: { isRedelivery: false },
      source: { type: 'user', userId: lineUserIdOf(customerId) },
      ...(change.kind === 'follow' ? { follow: { isUnblocked: true } } : {}),
    };
    const body = JSON.stringify({ destination: 'U0', events: [event] });
    const res = await request(app)
      .post('/webhooks/line')
      .set('content-type', 'application/json')
      .set('x-line-signature', createHmac('sha256', LINE_SECRET).update(body).digest('base64'))
      .send(body);
    expect(res.status, `LINE ${change.kind} webhook`).toBe(200);
    await pipeline.idle();
  }
  const expected = {
    follow: { line: 'following' },
    unfollow: { line: 'blocked' },
    unsubscribe: { email: 'unsubscribed' },
  };
  expect((await findProfile(world.store.models, customerId))?.consent).toMatchObject(expected[change.kind]);
}

/** The token of the one-click link (`List-Unsubscribe`) in the last mail the customer received. */
function lastUnsubscribeToken(world: JourneyWorld, customerId: string): string {
  const mail = world.smtp.mails.filter((m) => m.to.includes(`${customerId}@example.jp`)).at(-1);
  const token = /\/u\/([^>]+)>/.exec(mail?.headers['list-unsubscribe'] ?? '')?.[1];
  if (token === undefined) throw new Error(`${customerId} received no mail with an unsubscribe link`);
  return token;
}

/** The customer's events as the store holds them, as `kizuna simulate` reads an export of them. */
async function storedEvents(world: JourneyWorld, customerId: string): Promise<CustomerEvent[]> {
  const rows = await world.store.models.Event.find({ customerId }).lean();
  return rows.map((row) => ({
    id: row.eventId,
    type: row.type,
    timeMs: new Date(row.occurredAt).getTime(),
    properties: (row.properties ?? {}) as CustomerEvent['properties'],
  }));
}

/**
 * The runtime and the simulator agree: the same journal (step, action, reason), every deferral until the
 * same moment (quiet hours to the millisecond: both snap to the window's end), the same sends on the
 * same channels at the same moments, and the messages really delivered.
 */
export function expectSameRun(world: JourneyWorld, run: ConsentRun): void {
  const { sim, journal } = run;
  const simJournal = sim.result.journal;
  expect(journal.map((r) => [r.stepId, r.action, r.reason])).toEqual(
    simJournal.map((r) => [r.stepId, r.action, r.reason]),
  );
  journal.forEach((row, i) => {
    const simRow = simJournal[i]!;
    if (row.action !== 'deferred') return;
    const [untilMs, simUntilMs] = [Number(row.detail.untilMs), Number(simRow.detail.untilMs)];
    const what = `${row.stepId} deferred (${row.reason}) until`;
    if (row.reason === 'quiet-hours') expect(new Date(untilMs), what).toEqual(new Date(simUntilMs));
    else
      expect(Math.abs(untilMs - simUntilMs), `${what} ${new Date(untilMs).toISOString()}`).toBeLessThan(
        MOMENT_TOLERANCE_MS,
      );
  });
  const sent = journal.filter((r) => r.action === 'sent');
  const simSends = sim.result.sends;
  expect(sent.map((r) => [r.stepId, r.detail.channel])).toEqual(simSends.map((s) => [s.stepId, s.channel]));
  sent.forEach((row, i) =>
    expect(Math.abs(row.atMs - simSends[i]!.atMs), `${row.stepId} sent at`).toBeLessThan(MOMENT_TOLERANCE_MS),
  );
  const mails = world.smtp.mails.filter((m) => m.to.includes(`${run.customerId}@example.jp`));
  const pushes = world.line.pushes.filter((p) => p.to === run.profile.lineUserId);
  expect(mails).toHaveLength(simSends.filter((s) => s.channel === 'email').length);
  expect(pushes).toHaveLength(simSends.filter((s) => s.channel === 'line').length);
}
