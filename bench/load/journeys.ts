/** The journeys and customers of the load benchmark (bench/load.ts). */
import { createHash } from 'node:crypto';

/** A reminder: a LINE friend enters on an event and is due a push `waitSeconds` after entry. */
export function reminderYaml(journeyId: string, waitSeconds: number): string {
  return `
journey: ${journeyId}
name: reminder
entry: { event: ${journeyId}.booked, reentry: always }
policy: { timezone: Asia/Tokyo }
steps:
  - { id: wait, wait: ${waitSeconds}s }
  - id: remind
    send: { channel: line, template: winback-1 }
`;
}

/** Another journey's burst: each entry pushes at once, then waits a day. */
export const BURST_YAML = `
journey: load-burst
name: burst
entry: { event: load-burst.arrived, reentry: always }
policy: { timezone: Asia/Tokyo }
steps:
  - id: hello
    send: { channel: line, template: winback-1 }
  - { id: rest, wait: 1d }
`;

/** The interpreter's side of (c): wait, branch, email, the path the hand-written workflow takes. */
export function waitBranchSendYaml(journeyId: string, waitSeconds: number): string {
  return `
journey: ${journeyId}
name: wait, branch, send
entry: { api: true, reentry: always }
policy: { timezone: Asia/Tokyo }
steps:
  - { id: wait, wait: ${waitSeconds}s }
  - id: pick
    if: { totalSpent: { $gte: 10000 } }
    then:
      - id: vip
        send: { channel: email, template: winback-vip-coupon }
    else:
      - id: regular
        send: { channel: email, template: winback-1 }
`;
}

/** LINE friends `<prefix>0..n-1`: following, each with a LINE user id of its own (32 hex digits, as LINE's). */
export function lineFriends(prefix: string, n: number) {
  return Array.from({ length: n }, (_, i) => ({
    customerId: `${prefix}${i}`,
    lineUserId: `U${createHash('md5').update(`${prefix}${i}`).digest('hex')}`,
    displayName: '花子',
    consent: { email: 'unknown', line: 'following' },
  }));
}
