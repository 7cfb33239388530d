/**
 * Which channel a send uses and whether the customer's consent allows it. Pure: the same rules hold
 * for the runtime's send path and for any dry run that imports them.
 */

/** The consent fields of a profile, as stored (see `store/models/customer.ts`). */
export type ConsentView = { [field: string]: unknown };

function consentOf(profile: ConsentView, channel: 'email' | 'line'): unknown {
  const consent = profile['consent'];
  return typeof consent === 'object' && consent !== null ? (consent as Record<string, unknown>)[channel] : undefined;
}

/** Reasons a send is skipped before any provider is called. */
export type SkipReason =
  'unsubscribed' | 'bounced' | 'no-consent' | 'no-address' | 'blocked' | 'not-following' | 'line-not-configured';

/** `preferred` is LINE when the customer follows the account and LINE knows them, else email. */
export function resolveChannel(channel: 'email' | 'line' | 'preferred', profile: ConsentView): 'email' | 'line' {
  if (channel !== 'preferred') return channel;
  const follows = consentOf(profile, 'line') === 'following' && typeof profile['lineUserId'] === 'string';
  return follows && profile['lineUserId'] !== '' ? 'line' : 'email';
}

/**
 * Why the customer may not receive this channel, or null when they may. Email needs an address and a
 * consent of `subscribed`; `unknown` (never asked) is refused as `no-consent`, because Japan's law on
 * specified electronic mail requires prior opt-in for marketing mail. LINE needs a user id and
 * `following` (`blocked` after an unfollow; `unknown` is `not-following`).
 */
export function consentBlock(channel: 'email' | 'line', profile: ConsentView): SkipReason | null {
  if (channel === 'email') {
    const consent = consentOf(profile, 'email');
    if (consent === 'unsubscribed') return 'unsubscribed';
    if (consent === 'bounced') return 'bounced';
    if (typeof profile['email'] !== 'string' || profile['email'] === '') return 'no-address';
    return consent === 'subscribed' ? null : 'no-consent';
  }
  const consent = consentOf(profile, 'line');
  if (consent === 'blocked') return 'blocked';
  if (typeof profile['lineUserId'] !== 'string' || profile['lineUserId'] === '') return 'no-address';
  return consent === 'following' ? null : 'not-following';
}
