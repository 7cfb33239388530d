// One rule set for the channel, consent and the frequency cap (definitions/consent.ts): the simulator's
// world answers every consent state as the delivery's rules do, and the cap's retry time is the same
// function in both.
import { describe, expect, it } from 'vitest';
import { capRetryAt, consentBlock, resolveChannel, type Channel } from '../../../definitions/consent.js';
import type { SendCommand } from '../../../engine/commands.js';
import type { SendResultInput } from '../../../engine/inputs.js';
import { SimulatedWorld, createSendLedger } from '../../../engine/simulator/world.js';
import { DAY, HOUR, T0 } from './plans.js';

const EMAIL_CONSENT = ['subscribed', 'unknown', 'unsubscribed', 'bounced', undefined] as const;
const LINE_CONSENT = ['following', 'blocked', 'unknown', undefined] as const;
const CHANNELS = ['email', 'line', 'preferred'] as const;

/** Every consent state, with and without an address, with `lineFollowing` saying the opposite or nothing. */
function profiles(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const email of EMAIL_CONSENT)
    for (const line of LINE_CONSENT)
      for (const address of [true, false])
        for (const lineFollowing of [true, false, undefined]) {
          out.push({
            ...(address ? { email: 'a@example.jp', lineUserId: 'U1' } : {}),
            consent: { ...(email ? { email } : {}), ...(line ? { line } : {}) },
            ...(lineFollowing === undefined ? {} : { lineFollowing }),
          });
        }
  return out;
}

function sendCommand(channel: Channel | 'preferred'): SendCommand {
  return {
    type: 'send',
    correlationId: 'c1',
    stepId: 's',
    template: 't',
    channel,
    idempotencyKey: 'k',
    entryEventId: null,
    cap: null,
    nowMs: T0,
  };
}

describe('the simulator applies the delivery rules', () => {
  it.each(CHANNELS)('answers a %s send for every consent state as the delivery would', (channel) => {
    for (const profile of profiles()) {
      const answer = new SimulatedWorld(structuredClone(profile), null, createSendLedger()).answer(
        sendCommand(channel),
        T0,
      ) as SendResultInput;
      const resolved = resolveChannel(channel, profile);
      const blocked = consentBlock(resolved, profile);
      const expected = blocked === null ? { status: 'sent', reason: null } : { status: 'skipped', reason: blocked };
      expect({ ...answer, profile }).toMatchObject({ channel: resolved, ...expected, profile });
    }
  });

  it('refuses email without opt-in and after a bounce, and follows LINE by consent.line only', () => {
    const send = (profile: Record<string, unknown>, channel: Channel | 'preferred') =>
      new SimulatedWorld(profile, null, createSendLedger()).answer(sendCommand(channel), T0);
    const person = { email: 'a@example.jp', lineUserId: 'U1' };
    expect(send({ ...person, consent: { email: 'unknown' } }, 'email')).toMatchObject({ reason: 'no-consent' });
    expect(send({ ...person, consent: { email: 'bounced' } }, 'email')).toMatchObject({ reason: 'bounced' });
    expect(send({ ...person, consent: { email: 'subscribed' } }, 'email')).toMatchObject({ status: 'sent' });
    // `lineFollowing` is a copy for conditions: a stale `true` does not make LINE the preferred channel.
    const stale = { ...person, lineFollowing: true, consent: { email: 'subscribed', line: 'blocked' } };
    expect(send(stale, 'preferred')).toMatchObject({ status: 'sent', channel: 'email' });
    const follower = { ...person, lineFollowing: false, consent: { email: 'subscribed', line: 'following' } };
    expect(send(follower, 'preferred')).toMatchObject({ status: 'sent', channel: 'line' });
  });

  it('changes consent.line on a LINE follow or unfollow, as the webhook stores it', () => {
    const world = new SimulatedWorld(
      { email: 'a@example.jp', lineUserId: 'U1', consent: { email: 'subscribed', line: 'unknown' } },
      null,
      createSendLedger(),
    );
    world.observe({ id: 'f', type: 'line.followed', timeMs: T0, properties: {} });
    expect(world.profile).toMatchObject({ consent: { email: 'subscribed', line: 'following' }, lineFollowing: true });
    expect(world.answer(sendCommand('preferred'), T0)).toMatchObject({ channel: 'line', status: 'sent' });
    world.observe({ id: 'u', type: 'line.unfollowed', timeMs: T0, properties: {} });
    expect(world.profile).toMatchObject({ consent: { line: 'blocked' }, lineFollowing: false });
    expect(world.answer(sendCommand('line'), T0)).toMatchObject({ status: 'skipped', reason: 'blocked' });
  });
});

describe('the frequency cap rule', () => {
  const cap = { max: 1, perMs: DAY };

  it('counts a send stamped a little after now (another run of the customer whose clock runs ahead)', () => {
    expect(capRetryAt([T0 + 1000], cap, T0)).toBe(T0 + 1000 + DAY);
  });

  it('frees a slot when all but max - 1 of the window sends have left it, whatever their order', () => {
    expect(capRetryAt([T0 - HOUR, T0 - 3 * HOUR, T0 - 2 * HOUR], { max: 2, perMs: DAY }, T0)).toBe(T0 - 2 * HOUR + DAY);
  });

  it('in a backtest, a later run does not see the sends of a run replayed before it but made after its moment', () => {
    const ledger = createSendLedger();
    ledger.email.push(T0 + 5 * DAY);
    const world = new SimulatedWorld({ email: 'a@example.jp', consent: { email: 'subscribed' } }, null, ledger);
    expect(world.answer({ ...sendCommand('email'), cap: { max: 1, perMs: DAY } }, T0)).toMatchObject({
      status: 'sent',
    });
  });
});
