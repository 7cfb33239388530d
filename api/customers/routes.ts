/** `PUT|GET|DELETE /v1/customers/:id`: profile upsert, read, and erasure. */
import { Router } from 'express';
import { deleteCustomer, findProfile, LineUserIdTakenError, updateProfileFrom } from '../../store/customers.js';
import { deleteCustomerEvents } from '../../store/events.js';
import type { Models } from '../../store/connection.js';
import type { Auth } from '../http/auth.js';
import { ApiError } from '../http/errors.js';
import { firstTouch } from '../events/effects.js';
import type { RuntimePort } from '../ports.js';
import { toProfilePatch, type ProfileFieldTypes } from './profile-input.js';
import { claimLineUserId, lineUserIdTaken, refuseResubscribe } from './profile-guards.js';
import { customerInput, ID_PATTERN } from '../http/schemas.js';
import { parseOrThrow } from '../http/validate.js';
import { jsonBody } from '../http/body.js';

/** One step of an erasure (journal rows, delivery rows...): erases what it holds of the customer, returns a count. */
export interface Eraser {
  name: string;
  erase(customerId: string): Promise<number>;
  /** Throws when the eraser cannot work (a missing secret), before anything is erased. */
  check?(): void;
}

export interface CustomersRouteDeps {
  models: Models;
  auth: Auth;
  runtime: RuntimePort;
  profileFields: ProfileFieldTypes;
  erasers: Eraser[];
  /** Told after an erasure (the event pipeline forgets the customer). */
  onErased?: (customerId: string) => void;
}

/** What a customer id in a path may be (the document's pattern). */
export const CUSTOMER_ID = ID_PATTERN;

export function customersRouter(deps: CustomersRouteDeps): Router {
  const router = Router();
  router.param('id', (_req, _res, next, id: string) => {
    next(ID_PATTERN.test(id) ? undefined : new ApiError(400, 'VALIDATION_FAILED', 'Not a valid customer id.'));
  });

  router.put('/v1/customers/:id', deps.auth.require('customers:write'), jsonBody('64kb'), (req, res, next) => {
    putCustomer(deps, String(req.params.id), req.body)
      .then(({ profile, created }) => res.status(created ? 201 : 200).json({ customer: profile, created }))
      .catch(next);
  });

  router.get('/v1/customers/:id', deps.auth.require('customers:read'), (req, res, next) => {
    findProfile(deps.models, String(req.params.id))
      .then((profile) => {
        if (!profile) throw new ApiError(404, 'CUSTOMER_NOT_FOUND', 'No customer with this id.');
        res.json({ customer: profile });
      })
      .catch(next);
  });

  router.delete('/v1/customers/:id', deps.auth.require('customers:write'), (req, res, next) => {
    eraseCustomer(deps, String(req.params.id))
      .then((erased) => res.json({ customerId: req.params.id, erased }))
      .catch(next);
  });
  return router;
}

/**
 * Validates the patch, refuses a re-subscription on a first read, takes a LINE user id from its
 * follower profile (that profile's lock only, released before this customer's is taken), then reads and
 * writes the profile under the customer's lock: the zone of its dates, the first touch and the consent
 * guard are decided on the profile the write replaces, so a concurrent PUT, event or unsubscribe is
 * never overwritten or answered on a stale read.
 */
async function putCustomer(deps: CustomersRouteDeps, customerId: string, body: unknown) {
  const input = parseOrThrow(customerInput, body);
  const checked = toProfilePatch(input, deps.profileFields).set ?? {};
  // Refused before the LINE user id is taken from its follower (checked again under the lock below).
  if (checked['consent.email'] !== undefined) refuseResubscribe(checked, await findProfile(deps.models, customerId));
  await claimLineUserId(deps.models, customerId, checked);
  const written = await updateProfileFrom(deps.models, customerId, (existing) => {
    const zone = typeof existing?.timezone === 'string' ? existing.timezone : undefined;
    const set = toProfilePatch(input, deps.profileFields, zone).set ?? {};
    firstTouch(existing, set, null);
    refuseResubscribe(set, existing);
    return Promise.resolve({ set });
  }).catch((err: unknown) => {
    throw err instanceof LineUserIdTakenError ? lineUserIdTaken() : err;
  });
  return { profile: await findProfile(deps.models, customerId), created: written?.created ?? false };
}

/**
 * Erasure of a customer and of the `line:<userId>` profile of their LINE user id (what LINE sent before
 * the link: follows, messages with their text), each in an order that a retry can always finish: first
 * every running journey is ended (so nothing is sent meanwhile; Temporal down = 503 before anything is
 * deleted), then the events, the journal and delivery rows (injected erasers), and the profile last.
 * The linked profile goes first, while the customer's profile still names it. Counts are summed;
 * `linkedProfiles` says how many linked profiles were erased.
 */
async function eraseCustomer(deps: CustomersRouteDeps, customerId: string) {
  for (const eraser of deps.erasers) eraser.check?.();
  const profile = await findProfile(deps.models, customerId);
  const lineUserId = profile?.lineUserId;
  const linked = typeof lineUserId === 'string' && lineUserId !== '' ? `line:${lineUserId}` : null;
  const erased: Record<string, number> = { linkedProfiles: 0 };
  if (linked !== null && linked !== customerId) {
    const counts = await eraseOne(deps, linked);
    erased.linkedProfiles = counts.profile ?? 0;
    for (const [name, n] of Object.entries(counts)) if (name !== 'profile') erased[name] = n;
  }
  for (const [name, n] of Object.entries(await eraseOne(deps, customerId))) erased[name] = (erased[name] ?? 0) + n;
  return erased;
}

async function eraseOne(deps: CustomersRouteDeps, customerId: string): Promise<Record<string, number>> {
  const erased: Record<string, number> = {};
  erased.journeys = await deps.runtime.endCustomerJourneys({ customerId });
  erased.events = await deleteCustomerEvents(deps.models, customerId);
  for (const eraser of deps.erasers) erased[eraser.name] = await eraser.erase(customerId);
  erased.profile = await deleteCustomer(deps.models, customerId);
  deps.onErased?.(customerId);
  return erased;
}
