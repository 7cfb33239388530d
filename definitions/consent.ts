/**
 * The delivery rules that the runtime and the simulator share: which channel a `send` uses, whether
 * the customer's consent lets it through, and when a full frequency cap frees a slot. Pure and free of
 * imports, so the delivery (`channels/deliver.ts`, `store/delivery-slots.ts`), the simulator's world
 * (`engine/simulator/world.ts`) and workflow code may all import it and cannot drift apart. The rules
 * are written out in `docs/delivery.md` ("The rules").
 */

/** The consent fields of a profile, as stored (see `store/models/customer.ts`) and as the simulator reads JSON. */
export type ConsentView = { [field: string]: unknown };

/** A channel a message goes out on. */
export type Channel = 'email' | 'line';

/** Reasons a send is skipped before any provider is called. */
export type SkipReason =
  'unsubscribed' | 'bounced' | 'no-consent' | 'no-address' | 'blocked' | 'not-following' | 'line-not-configured';

/** A frequency cap: at most `max` sends on a channel in any window of `perMs`. */
export interface CapWindow {
  max: number;
  perMs: number;
}

function consentOf(profile: ConsentView, channel: Channel): unknown {
  const consent = profile['consent'];
  return typeof consent === 'object' && consent !== null ? (consent as Record<string, unknown>)[channel] : undefined;
}

const hasText = (value: unknown): value is string => typeof value === 'string' && value !== '';

/**
 * Whether the customer follows the LINE account, from one field: `consent.line` is `following`
 * (the LINE webhook sets it on follow and `blocked` on unfollow), and LINE knows them (`lineUserId`).
 * `lineFollowing` is a copy kept for conditions to read; no delivery decision reads it.
 */
export function followsLine(profile: ConsentView): boolean {
  return consentOf(profile, 'line') === 'following' && hasText(profile['lineUserId']);
}

/** `preferred` is LINE when the customer follows the account ({@link followsLine}), else email. */
export function resolveChannel(channel: Channel | 'preferred', profile: ConsentView): Channel {
  if (channel !== 'preferred') return channel;
  return followsLine(profile) ? 'line' : 'email';
}

/**
 * Why the customer may not receive this channel, or null when they may. Email needs an address and a
 * consent of `subscribed`; `unknown` (never asked) and a missing consent are refused as `no-consent`,
 * because Japan's law on specified electronic mail requires prior opt-in for marketing mail. LINE needs
 * a user id and `following` (`blocked` after an unfollow; `unknown` or missing is `not-following`).
 */
export function consentBlock(channel: Channel, profile: ConsentView): SkipReason | null {
  if (channel === 'email') {
    const consent = consentOf(profile, 'email');
    if (consent === 'unsubscribed') return 'unsubscribed';
    if (consent === 'bounced') return 'bounced';
    if (!hasText(profile['email'])) return 'no-address';
    return consent === 'subscribed' ? null : 'no-consent';
  }
  const consent = consentOf(profile, 'line');
  if (consent === 'blocked') return 'blocked';
  if (!hasText(profile['lineUserId'])) return 'no-address';
  return consent === 'following' ? null : 'not-following';
}

/** The event the unsubscribe link stores (`api/unsubscribe/routes.ts`), with `properties.channel`. */
export const UNSUBSCRIBED_EVENT = 'customer.unsubscribed';

/** The consent fields an event sets: `consent.<channel>` and, with the LINE consent, its `lineFollowing` copy. */
export interface ConsentChange {
  consent: { email?: 'unsubscribed'; line?: 'following' | 'blocked' };
  lineFollowing?: boolean;
}

/** A LINE follow (`following`) or unfollow (`blocked`), as the LINE webhook stores it. */
export function lineFollowChange(follows: boolean): ConsentChange {
  return follows
    ? { consent: { line: 'following' }, lineFollowing: true }
    : { consent: { line: 'blocked' }, lineFollowing: false };
}

/** An unsubscription of `channel`, as the unsubscribe link stores it: email `unsubscribed`, LINE `blocked`. */
export function unsubscribeChange(channel: Channel): ConsentChange {
  return channel === 'email' ? { consent: { email: 'unsubscribed' } } : lineFollowChange(false);
}

/** A change as the store's `$set` paths (`consent.line`, `lineFollowing`...), for the runtime's writes. */
export function consentFields(change: ConsentChange): { [path: string]: string | boolean } {
  const fields: { [path: string]: string | boolean } = {};
  for (const [channel, state] of Object.entries(change.consent)) fields[`consent.${channel}`] = state;
  if (change.lineFollowing !== undefined) fields['lineFollowing'] = change.lineFollowing;
  return fields;
}

/**
 * What an event changes in the customer's consent, as the runtime stores it before the event reaches any
 * journey, or null when it changes none: a LINE follow or unfollow ({@link lineFollowChange}) and an
 * unsubscription (`customer.unsubscribed` with `properties.channel` `email` or `line`,
 * {@link unsubscribeChange}). The LINE webhook and the unsubscribe link write these changes; the simulator
 * applies them at the event's moment, so a change in the middle of a run acts on the run's next send as
 * it does in the runtime.
 */
export function consentChange(event: { type: string; properties?: { [key: string]: unknown } }): ConsentChange | null {
  if (event.type === 'line.followed') return lineFollowChange(true);
  if (event.type === 'line.unfollowed') return lineFollowChange(false);
  if (event.type !== UNSUBSCRIBED_EVENT) return null;
  const channel = event.properties?.['channel'];
  return channel === 'email' || channel === 'line' ? unsubscribeChange(channel) : null;
}

/**
 * The frequency cap's answer for a send at `nowMs`, given the times of the customer's earlier sends on
 * the channel (any order, every journey): `null` when fewer than `cap.max` of them fall inside the
 * window (a send at `at` counts while `at > nowMs - cap.perMs`; a send stamped after `nowMs` counts
 * too, since another run's clock may run a little ahead), else the moment enough of them have left
 * the window for one more send: when all but `max - 1` are out.
 */
export function capRetryAt(sentAtMs: readonly number[], cap: CapWindow, nowMs: number): number | null {
  const inWindow = sentAtMs.filter((at) => at > nowMs - cap.perMs).sort((a, b) => a - b);
  if (inWindow.length < cap.max) return null;
  const leaving = inWindow[inWindow.length - cap.max];
  return leaving === undefined ? null : leaving + cap.perMs;
}

/**
 * The LINE user a `line_richmenu` step links a menu to, or null when the customer has none (the step
 * is then skipped as `no-line-user`). A menu is not a message: consent does not gate it, and LINE
 * keeps a link made while the user blocks the account for when they follow again.
 */
export function richMenuUser(profile: ConsentView): string | null {
  const id = profile['lineUserId'];
  return hasText(id) ? id : null;
}
