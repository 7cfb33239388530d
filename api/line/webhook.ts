/**
 * `POST /webhooks/line`. The signature (base64 HMAC-SHA256 of the raw body with the channel secret,
 * header `x-line-signature`) is checked on the exact bytes received, before any JSON parsing; a forged
 * or re-serialised body gets 401 and nothing is stored. Events are stored (deduplicated by
 * `webhookEventId`, so LINE's redeliveries are no-ops) and the answer goes out before routing, which
 * follows in the background: LINE gives up on slow endpoints.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import express, { Router } from 'express';
import type { Logger } from 'pino';
import { consentFields, lineFollowChange } from '../../definitions/consent.js';
import { findCustomerIdByLineUser } from '../../store/customers.js';
import type { StoredPatch } from '../../store/events.js';
import type { Models } from '../../store/connection.js';
import { ApiError } from '../http/errors.js';
import { lineWebhookBody } from '../http/schemas.js';
import { parseOrThrow } from '../http/validate.js';
import type { AcceptedEvent, EventPipeline } from '../events/pipeline.js';
import { fetchDisplayName } from './display-names.js';
import type { LineProfilesPort } from '../ports.js';

export interface LineWebhookDeps {
  models: Models;
  pipeline: EventPipeline;
  secret: string | null;
  logger: Logger;
  clock: () => number;
  /** LINE's profile endpoint, to store a new follower's display name; absent = names are not read. */
  profiles?: LineProfilesPort | null;
  /** Events whose `timestamp` is further than this from now are skipped (ms); default 10 minutes. */
  maxEventAgeMs?: number;
}

/** Default of {@link LineWebhookDeps.maxEventAgeMs}. */
export const DEFAULT_MAX_EVENT_AGE_MS = 10 * 60_000;

/** `LINE_WEBHOOK_MAX_AGE_S` in ms (unset: the default); throws unless it is a whole number of seconds, 1 or more. */
export function lineMaxEventAgeFromEnv(env: NodeJS.ProcessEnv): number {
  const text = env.LINE_WEBHOOK_MAX_AGE_S;
  if (text === undefined || text === '') return DEFAULT_MAX_EVENT_AGE_MS;
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new Error(`LINE_WEBHOOK_MAX_AGE_S must be a whole number of seconds, 1 or more; got "${text}"`);
  }
  return Number(text) * 1000;
}

interface LineEvent {
  type?: unknown;
  timestamp?: unknown;
  webhookEventId?: unknown;
  source?: { type?: unknown; userId?: unknown };
  follow?: { isUnblocked?: unknown };
  message?: { type?: unknown; id?: unknown; text?: unknown };
  postback?: { data?: unknown; params?: unknown };
}

/** A base64 HMAC-SHA256: 43 characters of the standard alphabet and one `=`, nothing else. */
const SIGNATURE_SHAPE = /^[A-Za-z0-9+/]{43}=$/;

/**
 * Whether `signature` is the channel's signature of `body`. Strict: exactly the 44 characters of the
 * canonical base64 of the 32-byte digest. Node's base64 decoder skips what it does not understand and
 * stops at padding, so without this a padded, spaced or doubled header (`sig, sig`) would decode to
 * the same bytes and pass.
 */
export function verifyLineSignature(body: Buffer, signature: string | undefined, secret: string): boolean {
  if (!signature || !SIGNATURE_SHAPE.test(signature)) return false;
  const given = Buffer.from(signature, 'base64');
  if (given.toString('base64') !== signature) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The `x-line-signature` header when it was sent exactly once; undefined otherwise. */
function singleSignatureHeader(rawHeaders: string[]): string | undefined {
  const values = rawHeaders.filter((_, i) => i % 2 === 0 && rawHeaders[i]!.toLowerCase() === 'x-line-signature');
  if (values.length !== 1) return undefined;
  return rawHeaders[rawHeaders.findIndex((h, i) => i % 2 === 0 && h.toLowerCase() === 'x-line-signature') + 1];
}

export function lineWebhookRouter(deps: LineWebhookDeps): Router {
  const router = Router();
  router.post('/webhooks/line', express.raw({ type: () => true, limit: '1mb' }), (req, res, next) => {
    handle(deps, req.body as Buffer, singleSignatureHeader(req.rawHeaders))
      .then((stored) => res.status(200).json({ received: stored }))
      .catch(next);
  });
  return router;
}

async function handle(deps: LineWebhookDeps, raw: Buffer, signature: string | undefined): Promise<number> {
  if (!deps.secret) throw new ApiError(503, 'LINE_NOT_CONFIGURED', 'No LINE channel secret is configured.');
  if (!Buffer.isBuffer(raw) || !verifyLineSignature(raw, signature, deps.secret)) {
    throw new ApiError(401, 'INVALID_SIGNATURE', 'The x-line-signature header does not match the body.');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ApiError(400, 'INVALID_JSON', 'The request body is not valid JSON.');
  }
  // An "events" array of objects (a null or a number among them would fail later, or be ignored silently).
  const body = parseOrThrow(lineWebhookBody, parsed);
  const accepted: AcceptedEvent[] = [];
  for (const event of body.events as LineEvent[]) {
    if (!isFresh(deps, event)) continue;
    const converted = await toEvent(deps.models, event);
    if (converted) accepted.push(converted);
  }
  if (accepted.length === 0) return 0;
  const stored = await deps.pipeline.storeThenRoute(accepted);
  readDisplayNames(deps, accepted, stored);
  return stored.filter((s) => s === 'inserted').length;
}

/**
 * Whether the event's `timestamp` lies within `maxEventAgeMs` of now (either side). A signed body stays
 * valid forever, so without this a recorded follow replayed after an erasure would create the customer
 * again. A stale event is skipped and logged; LINE still gets its 200 (it would only redeliver).
 */
function isFresh(deps: LineWebhookDeps, event: LineEvent): boolean {
  const maxAgeMs = deps.maxEventAgeMs ?? DEFAULT_MAX_EVENT_AGE_MS;
  const ageMs = typeof event.timestamp === 'number' ? deps.clock() - event.timestamp : NaN;
  if (Math.abs(ageMs) <= maxAgeMs) return true;
  const webhookEventId = typeof event.webhookEventId === 'string' ? event.webhookEventId : null;
  deps.logger.warn({ webhookEventId, ageMs, maxAgeMs }, 'LINE webhook event outside the age window: skipped');
  return false;
}

/** Starts reading the names of new followers (not redeliveries) without waiting: the answer goes out first. */
function readDisplayNames(deps: LineWebhookDeps, accepted: AcceptedEvent[], stored: string[]): void {
  const profiles = deps.profiles;
  if (!profiles) return;
  accepted.forEach((event, i) => {
    const userId = event.profile?.find((p) => p.path === 'lineUserId')?.value;
    if (event.type !== 'line.followed' || stored[i] !== 'inserted' || typeof userId !== 'string') return;
    void fetchDisplayName(
      { models: deps.models, profiles, logger: deps.logger },
      { customerId: event.customerId, userId },
    );
  });
}

/** A LINE event as a Kizuna event; null for kinds Kizuna does not use (group joins, beacons...). */
async function toEvent(models: Models, event: LineEvent): Promise<AcceptedEvent | null> {
  const userId = event.source?.type === 'user' ? event.source.userId : undefined;
  if (typeof userId !== 'string' || typeof event.webhookEventId !== 'string') return null;
  const mapped = mapEvent(event, userId);
  if (!mapped) return null;
  const linked = await findCustomerIdByLineUser(models, userId);
  return {
    source: 'line',
    idempotencyKey: event.webhookEventId,
    type: mapped.type,
    customerId: linked ?? `line:${userId}`,
    occurredAt: new Date(event.timestamp as number),
    properties: mapped.properties,
    profile: mapped.profile,
  };
}

function mapEvent(
  event: LineEvent,
  userId: string,
): { type: string; properties: Record<string, unknown>; profile: StoredPatch | null } | null {
  const link: StoredPatch = [{ path: 'lineUserId', value: userId }];
  switch (event.type) {
    case 'follow':
      return {
        type: 'line.followed',
        properties: { isUnblocked: event.follow?.isUnblocked === true },
        profile: [...link, ...followPatch(true), { path: 'acquisitionSource', value: 'line' }],
      };
    case 'unfollow':
      return {
        type: 'line.unfollowed',
        properties: {},
        profile: [...link, ...followPatch(false)],
      };
    case 'message': {
      const m = event.message ?? {};
      const properties: Record<string, unknown> = { messageType: m.type, messageId: m.id };
      if (m.type === 'text' && typeof m.text === 'string') properties.text = m.text;
      return { type: 'line.message', properties, profile: link };
    }
    case 'postback':
      return {
        type: 'line.postback',
        properties: {
          data: typeof event.postback?.data === 'string' ? event.postback.data : '',
          ...postbackParams(event.postback?.params),
        },
        profile: link,
      };
    default:
      return null;
  }
}

/** The consent a follow or unfollow stores: the change the simulator applies for the event too (definitions/consent.ts). */
function followPatch(follows: boolean): StoredPatch {
  return Object.entries(consentFields(lineFollowChange(follows))).map(([path, value]) => ({ path, value }));
}

/** What LINE puts in `postback.params`: the pickers' values and the rich menu switch's. */
const POSTBACK_PARAMS = ['date', 'time', 'datetime', 'newRichMenuAliasId', 'status'] as const;

/**
 * The postback's `params`, reduced to LINE's documented keys with string values. The body is signed by
 * LINE, but anything else (a `$` or dotted key) has no meaning here and could not be stored as is.
 */
function postbackParams(params: unknown): { params?: Record<string, string> } {
  if (!params || typeof params !== 'object') return {};
  const kept: Record<string, string> = {};
  for (const key of POSTBACK_PARAMS) {
    const value = (params as Record<string, unknown>)[key];
    if (typeof value === 'string') kept[key] = value;
  }
  return Object.keys(kept).length > 0 ? { params: kept } : {};
}
