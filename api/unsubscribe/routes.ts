/**
 * Unsubscribe links: `GET /u/:token` shows a confirmation page, `POST /u/:token` with the RFC 8058 body
 * `List-Unsubscribe=One-Click` (urlencoded or multipart/form-data) unsubscribes at once (no login: the signed token is the authority).
 * A valid POST sets the channel's consent, journals the change, stores a `customer.unsubscribed` event
 * and answers 200; a
 * tampered, foreign or malformed token gets a 400 page and changes nothing.
 */
import express, { Router, type Request, type Response } from 'express';
import { UNSUBSCRIBED_EVENT, consentFields, unsubscribeChange } from '../../definitions/consent.js';
import {
  UnsubscribeTokenError,
  verifyUnsubscribeToken,
  type UnsubscribeClaims,
  type UnsubscribeKeys,
} from '../../channels/unsubscribe-token.js';
import { setExistingProfileFields } from '../../store/customers.js';
import { insertEvent } from '../../store/events.js';
import type { Models } from '../../store/connection.js';
import { journalUnsubscribe } from './journal.js';
import { isOneClickBody, MAX_ONE_CLICK_BYTES } from './one-click-body.js';
import { confirmPage, donePage, invalidPage } from './pages.js';

/** The event stored for an unsubscription (journeys can exit on it). */
export { UNSUBSCRIBED_EVENT };

export interface UnsubscribeDeps {
  models: Models;
  /** The secret or keyring the tokens were signed with (the delivery's `links.unsubscribeSecret`). */
  secret: UnsubscribeKeys;
  /** The lifetime of version-1 tokens (which carry no expiry). @default DEFAULT_TOKEN_TTL_MS */
  tokenTtlMs?: number;
  shopName: string;
  /** Called after the event is stored, e.g. to route it to the journeys that listen (exit on unsubscribe). */
  onUnsubscribed?: (event: UnsubscribedEvent) => Promise<void>;
  clock?: () => number;
}

/** What {@link UnsubscribeDeps.onUnsubscribed} receives: the stored event. */
export interface UnsubscribedEvent {
  eventId: string;
  customerId: string;
  type: typeof UNSUBSCRIBED_EVENT;
  occurredAt: Date;
  properties: { channel: 'email' | 'line'; journeyId: string; method: 'one-click' };
}

/** RFC 8058 bodies: urlencoded, or multipart kept raw for the strict reader of one-click-body.ts. */
const oneClickParsers = [
  express.urlencoded({ extended: false, limit: MAX_ONE_CLICK_BYTES }),
  express.raw({ type: 'multipart/form-data', limit: MAX_ONE_CLICK_BYTES }),
];

/** The router of the unsubscribe pages; mount it at the root (`app.use(createUnsubscribeRouter(deps))`). */
export function createUnsubscribeRouter(deps: UnsubscribeDeps): Router {
  const router = Router();
  router.use('/u', (_req, res, next) => {
    // The token is in the URL: keep it out of caches and of Referer headers sent to other sites.
    res.set({
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
      'X-Content-Type-Options': 'nosniff',
    });
    next();
  });
  router.get('/u/:token', (req, res) => {
    const claims = readToken(deps, req, res);
    if (claims) res.type('html').send(confirmPage(deps.shopName, claims.channel));
  });
  router.post('/u/:token', ...oneClickParsers, async (req, res) => {
    const claims = readToken(deps, req, res);
    if (!claims) return;
    if (!isOneClickBody(req.body, req.get('content-type') ?? '')) {
      res.status(400).type('html').send(invalidPage(deps.shopName, 'ONE_CLICK_BODY_MISSING'));
      return;
    }
    await unsubscribe(deps, claims);
    res.type('html').send(donePage(deps.shopName, claims.channel));
  });
  return router;
}

function readToken(deps: UnsubscribeDeps, req: Request, res: Response): UnsubscribeClaims | null {
  try {
    const nowMs = (deps.clock ?? Date.now)();
    return verifyUnsubscribeToken(String(req.params['token'] ?? ''), deps.secret, { nowMs, ttlMs: deps.tokenTtlMs });
  } catch (err) {
    if (!(err instanceof UnsubscribeTokenError)) throw err;
    res.status(400).type('html').send(invalidPage(deps.shopName, err.code));
    return null;
  }
}

/**
 * Sets the consent, journals it and stores the event. Idempotent: the same token twice journals one row
 * and stores one event. A customer who no longer exists (erased) is not recreated.
 */
async function unsubscribe(deps: UnsubscribeDeps, claims: UnsubscribeClaims): Promise<void> {
  // The change the simulator applies for this event too (definitions/consent.ts), in one write that
  // matches only an existing customer: an erasure landing between a check and an upsert would have been
  // undone by the upsert (a profile holding nothing but the unsubscribe).
  const set = consentFields(unsubscribeChange(claims.channel));
  if (!(await setExistingProfileFields(deps.models, claims.customerId, set))) return;
  const nowMs = (deps.clock ?? Date.now)();
  await journalUnsubscribe(deps.models, claims, claims.channel === 'email' ? 'unsubscribed' : 'blocked', nowMs);
  const eventId = `unsubscribe:${claims.channel}:${claims.journeyId}:${claims.issuedAtMs}`;
  const event: UnsubscribedEvent = {
    eventId,
    customerId: claims.customerId,
    type: UNSUBSCRIBED_EVENT,
    occurredAt: new Date(nowMs),
    properties: { channel: claims.channel, journeyId: claims.journeyId, method: 'one-click' },
  };
  const stored = await insertEvent(deps.models, {
    ...event,
    source: 'unsubscribe',
    idempotencyKey: `${claims.customerId}:${eventId}`,
  });
  if (stored === 'duplicate') return;
  await deps.onUnsubscribed?.(event);
}
