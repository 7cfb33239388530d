/** The journeys and customers of the runtime benchmark, shared by its driver and its worker process. */
import type { Condition } from '../../definitions/plan.js';

/** wait → branch → send: the throughput journey, also written by hand in `baseline-workflow.ts`. */
export const THROUGHPUT = {
  journeyId: 'bench-wait-branch-send',
  waitMs: 1000,
  condition: { totalSpent: { $gte: 10000 } } as Condition,
  then: { stepId: 'vip', template: 'winback-vip-coupon' },
  else: { stepId: 'regular', template: 'winback-1' },
};

export const THROUGHPUT_YAML = `
journey: ${THROUGHPUT.journeyId}
name: wait, branch, send
entry: { api: true, reentry: always }
policy: { timezone: Asia/Tokyo }
steps:
  - { id: wait, wait: 1s }
  - id: pick
    if: { totalSpent: { $gte: 10000 } }
    then:
      - id: ${THROUGHPUT.then.stepId}
        send: { channel: email, template: ${THROUGHPUT.then.template} }
    else:
      - id: ${THROUGHPUT.else.stepId}
        send: { channel: email, template: ${THROUGHPUT.else.template} }
`;

/** A waiting journey that sends as soon as an order arrives: event → send latency. */
export const EVENT_YAML = `
journey: bench-event-send
name: event, send
entry: { api: true, reentry: always }
policy: { timezone: Asia/Tokyo }
steps:
  - id: wait-order
    wait_for: { event: order.completed, timeout: 1d }
    on_event:
      - id: thanks
        send: { channel: email, template: winback-1 }
`;

/** A journey whose customers sleep for a month: the worker's memory with many runs asleep. */
export const ASLEEP_YAML = `
journey: bench-asleep
name: asleep
entry: { api: true, reentry: always }
policy: { timezone: Asia/Tokyo }
steps:
  - { id: nap, wait: 30d }
  - id: wake
    send: { channel: email, template: winback-1 }
`;

/** The task queue of the hand-written workflow's worker. */
export const BASELINE_TASK_QUEUE = 'bench-baseline';

/** Customer documents `<prefix>0..n-1`: email subscribed, half of them above the branch's threshold. */
export function benchCustomers(prefix: string, n: number) {
  return Array.from({ length: n }, (_, i) => ({
    customerId: `${prefix}${i}`,
    email: `${prefix}${i}@example.jp`,
    consent: { email: 'subscribed', line: 'unknown' },
    totalSpent: i % 2 === 0 ? 25000 : 3000,
  }));
}
