// The runtime against the simulator when consent changes while a run goes on: a LINE follow or unfollow
// (signed webhooks through the API) between the entry and the send, while a send waits for quiet hours
// and while it waits for the frequency cap; an unsubscribe (the one-click link of a mail received) while
// a send waits; a follow the run itself waits for; the `line` → email fallback. Both must give the same
// journal, the same deferrals until the same moments, and the same sends at the same moments on the
// same channels.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../definitions/plan.js';
import {
  HOUR,
  expectSameRun,
  runConsentCase,
  startConsentApi,
  type ConsentApi,
  type ConsentCase,
  type ConsentChange,
} from '../support/consent-harness.js';
import { afterAWait, capIntoQuiet, capped, unsubscribing, waitingForTheFollow } from '../support/consent-journeys.js';
import { startJourneyWorld, type JourneyWorld } from '../support/journey-world.js';
import { createTimeSkippingEnv } from '../support/temporal.js';
import { compileTestJourney, publishTestJourney } from '../support/test-journeys.js';

const TASK_QUEUE = 'consent-vs-simulator-changes';

const sources = [afterAWait, capped, unsubscribing, capIntoQuiet, waitingForTheFollow];
const plans: Plan[] = sources.map(compileTestJourney);
const [waitPlan, capPlan, unsubscribePlan, capQuietPlan, heardPlan] = plans as [Plan, Plan, Plan, Plan, Plan];
const following = { email: 'subscribed', line: 'following' };
const notFollowing = { email: 'subscribed', line: 'unknown' };
const follow = (afterMs: number): ConsentChange => ({ kind: 'follow', afterMs });
const unfollow = (afterMs: number): ConsentChange => ({ kind: 'unfollow', afterMs });
const unsubscribe = (afterMs: number): ConsentChange => ({ kind: 'unsubscribe', afterMs });

/** A case, and what its runtime journal shows in this order (`step action:reason`, `step sent:channel`). */
type Row = [ConsentCase, string[]];
const row = (
  name: string,
  plan: Plan,
  enterAt: number,
  consent: ConsentCase['consent'],
  changes: ConsentChange[],
  shows: string[],
): Row => [{ name, plan, enterAt, consent, changes }, shows];

const CASES: Row[] = [
  // Between the entry and the send: entered at noon, the send an hour later.
  row(
    'follow-before-send',
    waitPlan,
    12,
    notFollowing,
    [follow(HOUR / 2)],
    ['preferred sent:line', 'by-line sent:line'],
  ),
  row(
    'unfollow-before-send',
    waitPlan,
    12,
    following,
    [unfollow(HOUR / 2)],
    ['preferred sent:email', 'by-line skipped:blocked', 'by-line proceeded:fallback', 'by-line sent:email'],
  ),
  // While the send waits for the morning: entered 20:30, the send at 21:30 waits for 09:00.
  row(
    'unfollow-line-in-quiet-hours',
    waitPlan,
    20.5,
    following,
    [unfollow(3 * HOUR)],
    ['preferred deferred:quiet-hours', 'preferred sent:email', 'by-line skipped:blocked', 'by-line sent:email'],
  ),
  // Entered 22:30: the first send waits for 09:00, the second for a cap slot.
  row(
    'follow-in-quiet-hours',
    capPlan,
    22.5,
    notFollowing,
    [follow(HOUR)],
    [
      'preferred deferred:quiet-hours',
      'preferred sent:line',
      'preferred-again deferred:frequency-cap',
      'preferred-again sent:line',
    ],
  ),
  row(
    'unfollow-in-quiet-hours',
    capPlan,
    22.5,
    following,
    [unfollow(HOUR)],
    [
      'preferred deferred:quiet-hours',
      'preferred sent:email',
      'preferred-again deferred:frequency-cap',
      'by-email deferred:frequency-cap',
    ],
  ),
  // While the second send waits for a cap slot: entered at noon, the first goes out at once.
  row(
    'follow-while-capped',
    capPlan,
    12,
    notFollowing,
    [follow(6 * HOUR)],
    ['preferred sent:email', 'preferred-again deferred:frequency-cap', 'preferred-again sent:line'],
  ),
  row(
    'unfollow-while-capped',
    capPlan,
    12,
    following,
    [unfollow(6 * HOUR)],
    ['preferred sent:line', 'preferred-again deferred:frequency-cap', 'preferred-again sent:email'],
  ),
  row(
    'follow-then-unfollow',
    capPlan,
    22.5,
    notFollowing,
    [follow(HOUR), unfollow(15 * HOUR)],
    [
      'preferred sent:line',
      'preferred-again deferred:frequency-cap',
      'preferred-again sent:email',
      'by-email deferred:frequency-cap',
    ],
  ),
  // The one-click link of the first mail, while the second waits for 09:00: entered 20:30.
  row(
    'unsubscribe-in-quiet-hours',
    unsubscribePlan,
    20.5,
    following,
    [unsubscribe(3 * HOUR)],
    ['first sent:email', 'second deferred:quiet-hours', 'second skipped:unsubscribed', 'last sent:line'],
  ),
  row(
    'unsubscribe-not-following',
    unsubscribePlan,
    20.5,
    notFollowing,
    [unsubscribe(3 * HOUR)],
    ['second skipped:unsubscribed', 'last skipped:unsubscribed'],
  ),
  // Entered 20:30: the second mail's slot frees at 08:30, inside quiet hours, so it waits for 09:00.
  row(
    'cap-retry-in-quiet-hours',
    capQuietPlan,
    20.5,
    notFollowing,
    [],
    ['first sent:email', 'second deferred:frequency-cap', 'second deferred:quiet-hours', 'second sent:email'],
  ),
  // The run waits for the follow itself: the consent is stored before the run hears of it.
  row('follow-heard-by-the-run', heardPlan, 12, notFollowing, [follow(2 * HOUR)], ['welcome sent:line']),
  row(
    'unfollow-then-timeout',
    heardPlan,
    12,
    following,
    [unfollow(2 * HOUR)],
    ['wait-follow timed-out:null', 'reminder sent:email'],
  ),
  row(
    'cap-retry-then-unsubscribed',
    capQuietPlan,
    20.5,
    notFollowing,
    [unsubscribe(HOUR)],
    ['second deferred:frequency-cap', 'second deferred:quiet-hours', 'second skipped:unsubscribed'],
  ),
];

/** The first of `shows` not found in `rows` after the ones before it, or undefined when all are, in order. */
function firstMissing(shows: string[], rows: string[]): string | undefined {
  let at = 0;
  for (const wanted of shows) {
    at = rows.indexOf(wanted, at) + 1;
    if (at === 0) return wanted;
  }
  return undefined;
}

describe('the runtime and the simulator agree when consent changes during a run', () => {
  let env: TestWorkflowEnvironment;
  let world: JourneyWorld;
  let api: ConsentApi;
  /** `stepId action:reason` of every journal row, for the coverage check. */
  const seen = new Set<string>();

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    world = await startJourneyWorld({
      testFile: import.meta.filename,
      connection: env.nativeConnection,
      client: env.client,
      namespace: env.namespace ?? 'default',
      taskQueue: TASK_QUEUE,
    });
    for (const source of sources) await publishTestJourney(world.store.models, source);
    const own = plans.map((p) => p.journeyId);
    api = await startConsentApi(import.meta.filename, env, world, TASK_QUEUE, own);
  });

  afterAll(async () => {
    await api?.close();
    await world?.close();
    await env?.teardown();
  });

  it.each(CASES.map(([c, shows]) => [c.name, c, shows] as const))('%s', async (_name, c, shows) => {
    const run = await runConsentCase(env, world, api, c);
    for (const r of run.journal) seen.add(`${r.action}:${r.reason ?? ''}`);
    expectSameRun(world, run);
    // The case does what it is there for (the same rows on both sides, checked above).
    const rows = run.journal.map((r) => `${r.stepId} ${r.action}:${r.action === 'sent' ? r.detail.channel : r.reason}`);
    expect(firstMissing(shows, rows), rows.join('\n')).toBeUndefined();
    const unsubscribes = c.changes.filter((change) => change.kind === 'unsubscribe').length;
    // The unsubscription is journaled by the API in the run of the link's journey, not by the engine.
    expect(run.apiRows.map((r) => [r.action, r.reason])).toEqual(
      Array.from({ length: unsubscribes }, () => ['unsubscribed', 'one-click']),
    );
  });

  it('saw the changes act: skips after them, both deferrals, the fallback and sends on both channels', () => {
    for (const key of [
      'skipped:unsubscribed',
      'skipped:blocked',
      'proceeded:fallback',
      'deferred:quiet-hours',
      'deferred:frequency-cap',
    ]) {
      expect(seen, key).toContain(key);
    }
    expect(world.smtp.mails.length).toBeGreaterThan(0);
    expect(world.line.pushes.length).toBeGreaterThan(0);
  });
});
