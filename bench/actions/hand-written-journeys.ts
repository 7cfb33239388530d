/**
 * The example journeys' main paths written by hand as plain Temporal workflows: the baseline that the
 * interpreter's billed actions are compared with (bench/actions.ts, test/unit/billable-actions.test.ts).
 * Each does the external work of the interpreter's run of the same scenario and no more:
 * - the same requests to the store (entry claim, time zone, conditions on the profile, profile dates,
 *   profile updates) as local activities, and the same sends as activities; conditions on the event's
 *   own properties and dates taken from the entry event are computed in workflow code;
 * - the same waits (quiet hours included), each one timer, and the same customer events as signals;
 * - journal rows ride on those calls, with one closing flush; a delivery's row is written before the run
 *   rests (a flush, unless a local activity after the send carried it), so the funnel shows it at once;
 * - what the Temporal UI shows: `KizunaStep` upserted when the run waits on a new step, and the step
 *   and `KizunaOutcome` in one upsert when it ends (bench/actions.ts also prints the figure without).
 * The path is the scenario's, so branches are straight lines. The times of waits that depend on the
 * clock (quiet hours, dates) come in the input. Workflow code: bundled by the recording test.
 */
import {
  condition,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { KizunaOutcome, KizunaStep } from '../../workflows/search-attributes.js';
import { customerEvent } from '../../workflows/signals.js';

type Call = (input: { step?: string; outcome?: string }) => Promise<unknown>;
type StoreCalls = Record<
  'claimEntry' | 'resolveTimezone' | 'evaluateConditions' | 'resolveDate' | 'updateProfile' | 'flushJournal',
  Call
>;
const store = proxyLocalActivities<StoreCalls>({ startToCloseTimeout: '1 minute' });
const { send } = proxyActivities<{ send: Call }>({ startToCloseTimeout: '2 minutes' });

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/** The moments of a scenario's clock-dependent waits, in ms from the step that starts them. */
export interface HandWrittenInput {
  waitsMs: number[];
}

/** A run's bookkeeping: the events received, a delivery row not yet written, what the UI shows. */
class Run {
  private step = 'entry';
  private delivered = false;
  readonly events: { type: string; properties: Record<string, unknown> }[] = [];

  constructor() {
    setHandler(customerEvent, ({ event }) => void this.events.push(event));
  }

  /** A store request; the journal rows so far ride on it. */
  async store(name: keyof StoreCalls, step?: string): Promise<void> {
    this.delivered = false;
    await store[name](step === undefined ? {} : { step });
  }

  async send(step: string): Promise<void> {
    await send({ step });
    this.delivered = true;
  }

  async rest(step: string): Promise<void> {
    if (this.delivered) await this.store('flushJournal');
    if (step === this.step) return;
    upsertSearchAttributes([{ key: KizunaStep, value: step }]);
    this.step = step;
  }

  async sleep(step: string, ms: number): Promise<void> {
    await this.rest(step);
    await sleep(ms);
  }

  async waitFor(step: string, type: string, ms: number): Promise<boolean> {
    await this.rest(step);
    return condition(() => this.events.some((e) => e.type === type), ms);
  }

  async end(outcome: string): Promise<{ outcome: string }> {
    await store.flushJournal({ outcome });
    upsertSearchAttributes([
      { key: KizunaStep, value: 'done' },
      { key: KizunaOutcome, value: outcome },
    ]);
    return { outcome };
  }
}

/** Winback: a touch, three days, a coupon by profile, then the order or the last chance. */
export async function winbackByHand({ waitsMs: [quietMs = 0] }: HandWrittenInput) {
  const run = new Run();
  await run.store('claimEntry');
  await run.store('resolveTimezone');
  if (quietMs > 0) await run.sleep('first-touch', quietMs);
  await run.send('first-touch');
  await run.sleep('wait-3d', 3 * DAY);
  await run.store('evaluateConditions', 'vip-check');
  await run.send('coupon');
  if (await run.waitFor('wait-order', 'order.completed', 7 * DAY)) return run.end('converted');
  await run.send('last-chance');
  await run.store('updateProfile', 'tag-dormant');
  return run.end('completed');
}

/** Cart abandonment: an hour, three daily reminders (the first after quiet hours), a coupon for a big cart. */
export async function cartAbandonmentByHand({ waitsMs: [quietMs = 0] }: HandWrittenInput) {
  const run = new Run();
  await run.store('claimEntry');
  await run.store('resolveTimezone');
  await run.sleep('wait-1h', HOUR);
  if (quietMs > 0) await run.sleep('cart-reminder', quietMs);
  for (let i = 0; i < 3; i += 1) {
    if (i > 0) await run.sleep('reminders', DAY);
    await run.send('cart-reminder');
  }
  // The cart's total is the entry event's: decided here, no request.
  await run.send('cart-coupon');
  return run.end('not-converted');
}

/** Event reminder: a confirmation, then three sends at moments taken from the entry event's date. */
export async function eventReminderByHand({ waitsMs }: HandWrittenInput) {
  const run = new Run();
  await run.store('claimEntry');
  await run.store('resolveTimezone');
  await run.send('confirmation');
  const steps = ['until-3-days-before', 'until-1-hour-before', 'until-next-day'];
  const sends = ['reminder-3d', 'reminder-1h', 'thanks'];
  for (const [i, step] of steps.entries()) {
    await run.sleep(step, waitsMs[i] ?? 0);
    await run.send(sends[i] ?? step);
  }
  return run.end(run.events.some((e) => e.type === 'seminar.attended') ? 'converted' : 'completed');
}

/** LINE survey: welcome, ten minutes, the question after quiet hours, the answer tagged and thanked. */
export async function lineSurveyByHand({ waitsMs: [quietMs = 0] }: HandWrittenInput) {
  const run = new Run();
  await run.store('claimEntry');
  await run.send('welcome');
  await run.sleep('wait-10m', 10 * 60 * 1000);
  if (quietMs > 0) await run.sleep('survey', quietMs);
  await run.send('survey');
  if (!(await run.waitFor('wait-answer', 'line.postback', 3 * DAY))) {
    await run.send('reminder');
    return run.end('completed');
  }
  // The answer is the postback's own data: matched and branched here.
  await run.store('updateProfile', 'tag-dark');
  await run.send('thanks');
  return run.end('completed');
}

/** Renewal reminder: until three days before the profile's renewal date, then two sends by profile. */
export async function renewalReminderByHand({ waitsMs: [untilMs = 0] }: HandWrittenInput) {
  const run = new Run();
  await run.store('claimEntry');
  await run.store('resolveTimezone');
  await run.store('resolveDate', 'until-3-days-before');
  await run.sleep('until-3-days-before', untilMs);
  await run.store('evaluateConditions', 'still-active');
  await run.send('renewal-notice');
  await run.store('evaluateConditions', 'plan-offer');
  await run.send('annual-offer');
  return run.end('completed');
}

/** Upsell: not for grinder owners; an offer at the weekend after the order, a LINE follow-up a week on. */
export async function upsellByHand({ waitsMs: [lunchMs = 0] }: HandWrittenInput) {
  const run = new Run();
  await run.store('claimEntry');
  await run.store('evaluateConditions', 'owns-grinder');
  // The moment comes from the entry event's date, the variant from a stable hash: no request.
  if (lunchMs > 0) await run.sleep('weekend-lunch', lunchMs);
  await run.send('grinder-discount');
  // The exit's filter reads the order's items, which the signal carries.
  if (await run.waitFor('wait-7d', 'order.completed', 7 * DAY)) return run.end('converted');
  await run.store('evaluateConditions', 'line-follow-up');
  await run.send('grinder-line');
  return run.end('completed');
}
