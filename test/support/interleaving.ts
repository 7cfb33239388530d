/**
 * The vocabulary of the interleaving test (test/integration/journey-interleaving.test.ts): two
 * journeys (an unkeyed win-back with a goal window, a keyed seminar reminder), the operator's and the
 * customers' actions, their fast-check arbitrary, and the seed a run uses.
 */
import fc from 'fast-check';

const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Customers per sequence. */
export const CUSTOMERS = ['a', 'b', 'c', 'd', 'e', 'f'];
export const SEMINARS = ['s1', 's2'];

export type Which = 'cart' | 'seminar';

export const JOURNEYS: Record<Which, (id: string, name: string) => string> = {
  cart: (id, name) => `
journey: ${id}
name: ${name}
entry: { event: cart.abandoned, reentry: always }
exit:
  - { on: order.completed, goal: true, window: 3d }
steps:
  - { id: wait-1, wait: 1h }
  - id: first
    send: { channel: email, template: winback-1 }
  - { id: wait-2, wait: 1d }
  - id: second
    send: { channel: email, template: winback-coupon }
`,
  seminar: (id, name) => `
journey: ${id}
name: ${name}
entry: { event: seminar.registered, key: seminarId, reentry: always }
exit:
  - on: seminar.cancelled
goals:
  - { on: order.completed }
steps:
  - { id: wait-1, wait: 2h }
  - id: reminder
    send: { channel: email, template: winback-1 }
`,
};

export type Action =
  | { kind: 'enter'; customer: string }
  | { kind: 'enter-keyed'; customer: string; seminar: string }
  /** A seminar registration and, at once, an order by the same customer. */
  | { kind: 'register-and-order'; customer: string; seminar: string }
  | { kind: 'order'; customer: string }
  | { kind: 'cancel'; customer: string; seminar: string }
  | { kind: 'pause' | 'resume' | 'archive' | 'publish'; journey: Which }
  | { kind: 'sleep'; ms: number }
  | { kind: 'restart' };

/**
 * Sleeps of whole minutes plus 7 s: every wait of the journeys is whole hours from its run's entry, so
 * no sum of fewer than 600 sleeps lands an event or a control on the very moment a timer fires (where
 * the order of the two would be a matter of milliseconds).
 */
export const SLEEPS = [10 * MINUTE + 7_000, 90 * MINUTE + 7_000, 7 * HOUR + 7_000, DAY + 7_000];

const customer = fc.constantFrom(...CUSTOMERS);
const seminar = fc.constantFrom(...SEMINARS);
const journey = fc.constantFrom<Which>('cart', 'seminar');

/** One action; entries and sleeps weigh most, so runs get far enough to send. */
export const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: customer.map((c) => ({ kind: 'enter' as const, customer: c })) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('enter-keyed' as const), customer, seminar }) },
  { weight: 2, arbitrary: customer.map((c) => ({ kind: 'order' as const, customer: c })) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('register-and-order' as const), customer, seminar }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), customer, seminar }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('pause' as const, 'resume' as const), journey }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('archive' as const, 'publish' as const), journey }) },
  { weight: 5, arbitrary: fc.constantFrom(...SLEEPS).map((ms) => ({ kind: 'sleep' as const, ms })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'restart' as const }) },
);

/** The default seed; `KIZUNA_INTERLEAVE_SEED=<n>` replays another, `random` draws one. */
export const DEFAULT_SEED = 1512;

/** The seed of this run, from `KIZUNA_INTERLEAVE_SEED` (a number, or `random`), else {@link DEFAULT_SEED}. */
export function interleaveSeed(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.KIZUNA_INTERLEAVE_SEED;
  if (raw === undefined || raw === '') return DEFAULT_SEED;
  if (raw === 'random') return Math.floor(Math.random() * 2 ** 31);
  const seed = Number(raw);
  if (!Number.isSafeInteger(seed)) throw new Error(`KIZUNA_INTERLEAVE_SEED must be an integer or "random", not ${raw}`);
  return seed;
}
