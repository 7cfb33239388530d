// What events change in the customer's consent before any journey hears of them (definitions/consent.ts),
// as the runtime stores it: the simulator applies the same change at the event's moment, so a send after
// it is decided as the runtime decides it (test/integration/consent-vs-simulator-changes.test.ts).
import { describe, expect, it } from 'vitest';
import { consentChange, consentFields, UNSUBSCRIBED_EVENT } from '../../../definitions/consent.js';
import { DAY, T0, event, makePlan, send, wait } from './plans.js';
import { run } from './simulate-helpers.js';

describe('consent changes carried by events', () => {
  it.each([
    ['line.followed', {}, { consent: { line: 'following' }, lineFollowing: true }],
    ['line.unfollowed', {}, { consent: { line: 'blocked' }, lineFollowing: false }],
    [UNSUBSCRIBED_EVENT, { channel: 'email' }, { consent: { email: 'unsubscribed' } }],
    [UNSUBSCRIBED_EVENT, { channel: 'line' }, { consent: { line: 'blocked' }, lineFollowing: false }],
    [UNSUBSCRIBED_EVENT, {}, null],
    ['order.completed', { channel: 'email' }, null],
  ] as const)('%s %j', (type, properties, change) => {
    expect(consentChange({ type, properties })).toEqual(change);
  });

  it('writes the same change as store paths, as the webhook and the unsubscribe link do', () => {
    const fields = (type: string, channel?: string) =>
      consentFields(consentChange({ type, properties: channel === undefined ? {} : { channel } }) ?? { consent: {} });
    expect(fields('line.followed')).toEqual({ 'consent.line': 'following', lineFollowing: true });
    expect(fields('line.unfollowed')).toEqual({ 'consent.line': 'blocked', lineFollowing: false });
    expect(fields(UNSUBSCRIBED_EVENT, 'email')).toEqual({ 'consent.email': 'unsubscribed' });
    expect(fields(UNSUBSCRIBED_EVENT, 'line')).toEqual({ 'consent.line': 'blocked', lineFollowing: false });
  });

  it('an unsubscription between two mails skips the second as the delivery does', () => {
    const plan = makePlan([send('first', 'a', 'pause'), wait('pause', DAY, 'second'), send('second', 'b', null)]);
    const properties = { channel: 'email', journeyId: plan.journeyId, method: 'one-click' };
    const result = run(plan, {
      profile: { email: 'a@example.jp', consent: { email: 'subscribed' } },
      events: [event('u1', UNSUBSCRIBED_EVENT, T0 + DAY / 2, properties)],
    });
    expect(result.sends.map((s) => s.stepId)).toEqual(['first']);
    expect(result.journal.filter((r) => r.stepId === 'second').map((r) => [r.action, r.reason])).toEqual([
      ['skipped', 'unsubscribed'],
    ]);
    expect(result.profile).toMatchObject({ consent: { email: 'unsubscribed' } });
  });

  it('a LINE unsubscription sends a preferred message by email', () => {
    const plan = makePlan([wait('pause', DAY, 'touch'), send('touch', 'a', null, { channel: 'preferred' })]);
    const result = run(plan, {
      profile: { email: 'a@example.jp', lineUserId: 'U1', consent: { email: 'subscribed', line: 'following' } },
      events: [event('u1', UNSUBSCRIBED_EVENT, T0 + DAY / 2, { channel: 'line' })],
    });
    expect(result.sends.map((s) => [s.stepId, s.channel])).toEqual([['touch', 'email']]);
  });
});
