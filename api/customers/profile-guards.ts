/**
 * Checks a profile write against the customer's state before it is accepted, so the client gets a clear
 * answer: an unsubscribed customer is not subscribed again without a recorded re-opt-in (409
 * RESUBSCRIBE_NEEDS_OPT_IN), and a LINE user id held by another customer is not taken (409
 * LINE_USER_ID_TAKEN). The store enforces both again when it writes (a conditional write, a unique index).
 */
import {
  findCustomerIdByLineUser,
  findProfile,
  OPT_IN_FIELD,
  releaseLineUserId,
  type Profile,
} from '../../store/customers.js';
import type { Models } from '../../store/connection.js';
import { ApiError } from '../http/errors.js';

/** The answer to a LINE user id that another customer holds. */
export const lineUserIdTaken = () =>
  new ApiError(409, 'LINE_USER_ID_TAKEN', 'Another customer is linked to this LINE user id.', {
    path: 'lineUserId',
  });

/**
 * Throws a 409 {@link ApiError} when `set` would re-subscribe an unsubscribed customer without
 * `consent.optIn`, or link a LINE user id another customer holds. A follower's own `line:<userId>`
 * profile gives the id up to the customer being linked. `existing` saves a read when the caller has it.
 */
export async function guardProfileWrite(
  models: Models,
  customerId: string,
  set: Readonly<Record<string, unknown>>,
  existing?: Profile | null,
): Promise<void> {
  if (changesEmailConsentWithoutOptIn(set)) {
    refuseResubscribe(set, existing === undefined ? await findProfile(models, customerId) : existing);
  }
  await claimLineUserId(models, customerId, set);
}

/**
 * Throws 409 RESUBSCRIBE_NEEDS_OPT_IN when `set` changes the email consent of `existing`, an
 * unsubscribed customer, without `consent.optIn`. Reads nothing: a caller holding the customer's lock
 * passes the profile it read under it, so the answer holds for the write that follows.
 */
export function refuseResubscribe(set: Readonly<Record<string, unknown>>, existing: Profile | null): void {
  if (!changesEmailConsentWithoutOptIn(set)) return;
  const consent = existing?.consent as { email?: unknown } | undefined;
  if (consent?.email !== 'unsubscribed') return;
  throw new ApiError(
    409,
    'RESUBSCRIBE_NEEDS_OPT_IN',
    'The customer unsubscribed; change that only with consent: { email: subscribed, optIn: { source } }.',
    { path: 'consent.email' },
  );
}

/**
 * Throws 409 LINE_USER_ID_TAKEN when `set` links a LINE user id another customer holds; takes it from
 * the follower's own `line:<userId>` profile (under that profile's lock, released on return: a caller
 * must not hold another customer's lock meanwhile, or two such writes could wait for each other).
 */
export async function claimLineUserId(
  models: Models,
  customerId: string,
  set: Readonly<Record<string, unknown>>,
): Promise<void> {
  const lineUserId = set.lineUserId;
  if (typeof lineUserId !== 'string') return;
  const holder = await findCustomerIdByLineUser(models, lineUserId);
  if (holder === null || holder === customerId) return;
  if (holder !== `line:${lineUserId}`) throw lineUserIdTaken();
  await releaseLineUserId(models, holder, lineUserId);
}

function changesEmailConsentWithoutOptIn(set: Readonly<Record<string, unknown>>): boolean {
  const state = set['consent.email'];
  return typeof state === 'string' && state !== 'unsubscribed' && set[`${OPT_IN_FIELD}.email`] === undefined;
}
