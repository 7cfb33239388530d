// The runtime (time-skipping Temporal, FerretDB, SMTP capture, LINE stand-in) against the simulator
// for every consent state of both channels, `preferred` and fallbacks, a frequency cap that defers and
// one that skips, and quiet hours: the same journal, the same deferrals until the same moments, the same
// sends at the same moments, and the messages really delivered. Both read one rule set
// (definitions/consent.ts); this holds them to it. Consent changed during a run: the -changes file.
import { createHash } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../definitions/plan.js';
import { dryRun } from '../../engine/simulator/dry-run.js';
import { enterJourney } from '../../runtime/enter-journey.js';
import { readJournal } from '../../store/journal.js';
import { expectSameRun } from '../support/consent-harness.js';
import { startJourneyWorld, type JourneyWorld } from '../support/journey-world.js';
import { createTimeSkippingEnv } from '../support/temporal.js';
import { compileTestJourney, publishTestJourney } from '../support/test-journeys.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const journey = (id: string, cap: string) => `
journey: ${id}
name: consent matrix
entry: { api: true, reentry: always }
policy:
  timezone: Asia/Tokyo
  quiet_hours: '21:00-09:00'
  frequency_cap: ${cap}
steps:
  - id: preferred
    send: { channel: preferred, template: winback-1, fallback: email }
  - id: by-line
    send: { channel: line, template: winback-last-chance, fallback: email }
  - id: by-email
    send: { channel: email, template: winback-coupon }
`;

const EMAIL = ['subscribed', 'unknown', 'unsubscribed', 'bounced'] as const;
const LINE = ['following', 'blocked', 'unknown'] as const;

interface Case {
  name: string;
  consent: { email: string; line: string };
  email: boolean;
  lineUserId: boolean;
}

/** Every pair of consent states with both addresses, and each channel's consent without its address. */
const CASES: Case[] = [
  ...EMAIL.flatMap((email) =>
    LINE.map((line) => ({ name: `${email}+${line}`, consent: { email, line }, email: true, lineUserId: true })),
  ),
  {
    name: 'subscribed-no-address',
    consent: { email: 'subscribed', line: 'following' },
    email: false,
    lineUserId: true,
  },
  { name: 'following-no-user-id', consent: { email: 'subscribed', line: 'following' }, email: true, lineUserId: false },
];

/** The next 22:30 in Tokyo (13:30 UTC) at least an hour after `nowMs`: inside quiet hours. */
function nextQuietEvening(nowMs: number): number {
  const day = Math.floor((nowMs + HOUR) / DAY) * DAY;
  const at = day + 13.5 * HOUR;
  return at >= nowMs + HOUR ? at : at + DAY;
}

describe('the runtime and the simulator agree on every consent state, both channels, caps and quiet hours', () => {
  let env: TestWorkflowEnvironment;
  let world: JourneyWorld;
  const sources = [
    journey('t-consent-defer', '{ max: 2, per: 1d, over: defer }'),
    journey('t-consent-skip', '{ max: 1, per: 1d, over: skip }'),
  ];
  const plans: Plan[] = sources.map(compileTestJourney);
  /** `action:reason` of every journal row of the runs, for the coverage check. */
  const seen = new Set<string>();

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    world = await startJourneyWorld({
      testFile: import.meta.filename,
      connection: env.nativeConnection,
      client: env.client,
      namespace: env.namespace ?? 'default',
      taskQueue: 'consent-vs-simulator',
    });
    for (const source of sources) await publishTestJourney(world.store.models, source);
  });

  afterAll(async () => {
    await world?.close();
    await env?.teardown();
  });

  const runs = () => plans.flatMap((plan) => CASES.map((c) => [`${plan.journeyId} ${c.name}`, plan, c] as const));

  it.each(runs())('%s', async (_name, plan, c) => {
    const customerId = `c-${plan.journeyId}-${c.name}`;
    // A stale copy for conditions, the opposite of the consent: no delivery decision may read it.
    const profile: Record<string, unknown> = {
      ...(c.email ? { email: `${customerId}@example.jp` } : {}),
      ...(c.lineUserId ? { lineUserId: `U${createHash('md5').update(customerId).digest('hex')}` } : {}),
      lineFollowing: c.consent.line !== 'following',
      consent: c.consent,
      tags: [],
    };
    await world.store.models.Customer.create({ customerId, ...profile });
    const startMs = nextQuietEvening(await env.currentTimeMs());
    await env.sleep(startMs - (await env.currentTimeMs()));
    const sim = dryRun({
      plan,
      customerId,
      profile: structuredClone(profile),
      events: [],
      startMs,
      durationMs: 5 * DAY,
    });
    const journal = await (
      await world.worker()
    ).runUntil(async () => {
      const entered = await enterJourney(world.runtime(), { journeyId: plan.journeyId, customerId, event: null });
      await env.client.workflow.getHandle(entered.workflowId).result();
      return readJournal(world.store.models, { journeyId: plan.journeyId, customerId });
    });
    for (const row of journal) seen.add(`${row.action}:${row.reason ?? ''}`);
    // The journal, each deferral's untilMs, each send's channel and moment, the messages delivered.
    expectSameRun(world, { customerId, sim, journal, apiRows: [], profile });
  });

  it('covers skips for each consent state, sends on both channels, the cap both ways and quiet hours', () => {
    for (const reason of ['no-consent', 'bounced', 'unsubscribed', 'blocked', 'not-following', 'no-address']) {
      expect(seen, reason).toContain(`skipped:${reason}`);
    }
    expect(seen).toContain('deferred:quiet-hours');
    expect(seen).toContain('deferred:frequency-cap');
    expect(seen).toContain('skipped:frequency-cap');
    expect(world.smtp.mails.length).toBeGreaterThan(0);
    expect(world.line.pushes.length).toBeGreaterThan(0);
  });
});
