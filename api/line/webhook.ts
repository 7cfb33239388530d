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

/** Whether `signature` is the channel's signature of `body`. */
export function verifyLineSignature(body: Buffer, signature: string | undefined, secret: string): boolean {
  if (!signature) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function lineWebhookRouter(deps: LineWebhookDeps): Router {
  const router = Router();
  router.post('/webhooks/line', express.raw({ type: () => true, limit: '1mb' }), (req, res, next) => {
    handle(deps, req.body as Buffer, req.get('x-line-signature'))
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
    const converted = await toEvent(deps.models, event);
    if (converted) accepted.push(converted);
  }
  if (accepted.length === 0) return 0;
  const stored = await deps.pipeline.storeThenRoute(accepted);
  readDisplayNames(deps, accepted, stored);
  return stored.filter((s) => s === 'inserted').length;
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
    occurredAt: new Date(typeof event.timestamp === 'number' ? event.timestamp : Date.now()),
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
        profile: [
          ...link,
          { path: 'consent.line', value: 'following' },
          { path: 'lineFollowing', value: true },
          { path: 'acquisitionSource', value: 'line' },
        ],
      };
    case 'unfollow':
      return {
        type: 'line.unfollowed',
        properties: {},
        profile: [...link, { path: 'consent.line', value: 'blocked' }, { path: 'lineFollowing', value: false }],
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
          ...(event.postback?.params && typeof event.postback.params === 'object'
            ? { params: event.postback.params }
            : {}),
        },
        profile: link,
      };
    default:
      return null;
  }
}
