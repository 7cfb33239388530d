/**
 * Runs one example timeline through the real runtime (entry, events routed as the API routes them,
 * time advanced on the time-skipping server) and through the simulator, and returns both.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { parse } from 'yaml';
import type { Plan } from '../../definitions/plan.js';
import type { CustomerEvent } from '../../engine/index.js';
import type { DryRun } from '../../engine/simulator/dry-run.js';
import { enterJourney } from '../../runtime/enter-journey.js';
import { signalCustomerEvent } from '../../runtime/signal.js';
import { projectRoot } from '../../scripts/servers.js';
import { getJourneyHead, loadJourneyVersion } from '../../store/journeys.js';
import { readJournal, type JournalRow } from '../../store/journal.js';
import type { JourneyWorld } from './journey-world.js';
import {
  shiftScenario,
  simulateScenario,
  toStoredProfile,
  weeksAfter,
  zoneFor,
  type Scenario,
} from './simulate-fixtures.js';

const fields = (
  parse(readFileSync(join(projectRoot, 'definitions', 'profile-fields.yaml'), 'utf8')) as {
    fields: Record<string, { type: string }>;
  }
).fields;
/** Profile fields declared as dates: stored as BSON dates. */
export const DATE_FIELDS = Object.keys(fields).filter((name) => fields[name]?.type === 'date');

export interface ScenarioRun {
  plan: Plan;
  scenario: Scenario;
  workflowId: string;
  sim: DryRun;
  journal: JournalRow[];
  outcome: string | null;
  email: string | null;
  lineUserId: string | null;
  /** The profile as stored. */
  profile: Record<string, unknown>;
}

/** The plan of the journey's current version in the store. */
export async function currentPlan(world: JourneyWorld, journeyFile: string): Promise<Plan> {
  const plans = await world.store.models.Journey.find({ file: `definitions/journeys/${journeyFile}.yaml` }).lean();
  const journeyId = plans[0]?.journeyId;
  const head = journeyId === undefined ? null : await getJourneyHead(world.store.models, journeyId);
  const version = head === null ? null : await loadJourneyVersion(world.store.models, head.journeyId, head.version);
  if (version === null) throw new Error(`${journeyFile} is not published`);
  return version.plan;
}

async function advanceTo(env: TestWorkflowEnvironment, atMs: number): Promise<void> {
  const now = await env.currentTimeMs();
  if (atMs > now) await env.sleep(atMs - now);
}

/** Runs `base` for a fresh customer `customerId`, on the runtime and on the simulator. */
export async function runScenario(
  env: TestWorkflowEnvironment,
  world: JourneyWorld,
  base: Scenario,
  customerId: string,
): Promise<ScenarioRun> {
  const plan = await currentPlan(world, base.journey);
  const scenario = shiftScenario(base, weeksAfter(base, await env.currentTimeMs(), 3_600_000), customerId);
  const profile: Record<string, unknown> = {
    ...toStoredProfile(scenario.profile, zoneFor(plan, scenario.profile), DATE_FIELDS),
    // Personal data the journeys never read: it must reach neither history nor the journal.
    lastName: '山田',
    firstName: '花子',
    displayName: 'はなこ@コーヒー好き',
    prefecture: '京都府',
  };
  await world.store.models.Customer.create({ customerId, ...profile });
  const sim = simulateScenario(plan, scenario, profile);
  const entryEvent = sim.result.state.entryEvent;
  const deps = world.runtime();
  await advanceTo(env, sim.startMs);
  const entered = await enterJourney(deps, { journeyId: plan.journeyId, customerId, event: entryEvent });
  const handle = env.client.workflow.getHandle(entered.workflowId);
  for (const event of scenario.events) {
    if (event.id === entryEvent?.id || event.timeMs < sim.startMs) continue;
    await advanceTo(env, event.timeMs);
    if ((await handle.describe()).status.name !== 'RUNNING') break;
    await route(deps, plan, customerId, event);
  }
  // Every example timeline ends its run within the simulated period; waiting for the result lets
  // the server skip time (a concurrent sleep would unlock time skipping twice and expire tasks).
  const result = sim.result.outcome === null ? null : ((await handle.result()) as { outcome: string });
  const journal = await readJournal(world.store.models, { journeyId: plan.journeyId, customerId });
  return {
    plan,
    scenario,
    workflowId: entered.workflowId,
    sim,
    journal,
    outcome: result?.outcome ?? null,
    email: typeof profile.email === 'string' ? profile.email : null,
    lineUserId: typeof profile.lineUserId === 'string' ? profile.lineUserId : null,
    profile,
  };
}

/** As the event router does: an entry event goes through entry (a running run gets it as a signal). */
async function route(
  deps: ReturnType<JourneyWorld['runtime']>,
  plan: Plan,
  customerId: string,
  event: CustomerEvent,
): Promise<void> {
  const reasons = plan.listens[event.type] ?? [];
  if (reasons.length === 0) return;
  if (reasons.includes('entry')) await enterJourney(deps, { journeyId: plan.journeyId, customerId, event });
  else await signalCustomerEvent(deps, { journeyId: plan.journeyId, customerId, event });
}
