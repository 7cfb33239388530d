/** `POST /v1/events` and `POST /v1/events/batch`. */
import { Router } from 'express';
import { findProfile } from '../../store/customers.js';
import type { StoredPatch } from '../../store/events.js';
import type { Models } from '../../store/connection.js';
import type { Auth } from '../http/auth.js';
import { ApiError, toApiError } from '../http/errors.js';
import type { AcceptedEvent, EventPipeline } from './pipeline.js';
import type { Metrics } from '../http/metrics.js';
import { hasDateOnly, toProfilePatch, type ProfileFieldTypes } from '../customers/profile-input.js';
import { guardProfileWrite } from '../customers/profile-guards.js';
import { eventBatchInput, eventInput, MAX_BATCH } from '../http/schemas.js';
import { checkBagFirst, parseOrThrow } from '../http/validate.js';
import { jsonBody, unstorableText } from '../http/body.js';
import { eventBodyHash, refuseReservedSource } from './idempotency.js';

/** 201 stored and routed; 200 a duplicate (the first result inside); 202 stored, routing still pending. */
const STATUS_CODE: Record<string, number> = { duplicate: 200, pending: 202 };

export interface EventsRouteDeps {
  models: Models;
  auth: Auth;
  pipeline: EventPipeline;
  metrics: Metrics;
  profileFields: ProfileFieldTypes;
}

/** The events router, with its own JSON parser and body limits. */
export function eventsRouter(deps: EventsRouteDeps): Router {
  const router = Router();
  router.post('/v1/events', deps.auth.require('events:write'), jsonBody('100kb'), (req, res, next) => {
    toAccepted(deps, req.body, callerOf(req.apiKey))
      .then((event) => deps.pipeline.acceptOne(event))
      .then((result) => res.status(STATUS_CODE[result.status] ?? 201).json(result))
      .catch((err: unknown) => {
        deps.metrics.eventsRefused.inc({ code: toApiError(err).code });
        next(err);
      });
  });
  router.post(
    '/v1/events/batch',
    deps.auth.require('events:write'),
    jsonBody('16mb', [], { perItem: true }),
    (req, res, next) => {
      acceptBatch(deps, req.body, callerOf(req.apiKey))
        .then((results) => res.status(200).json({ results }))
        .catch(next);
    },
  );
  return router;
}

async function acceptBatch(deps: EventsRouteDeps, body: unknown, caller: Caller) {
  const { events } = parseOrThrow(eventBatchInput, body);
  if (events.length > MAX_BATCH) {
    throw new ApiError(
      400,
      'BATCH_TOO_LARGE',
      `A batch holds at most ${MAX_BATCH} events; this one has ${events.length}.`,
      {
        limit: MAX_BATCH,
        count: events.length,
      },
    );
  }
  const checked = await Promise.all(
    events.map((item) =>
      toAccepted(deps, item, caller).then(
        (event) => ({ event }),
        (err: unknown) => ({ err }),
      ),
    ),
  );
  const accepted = checked.flatMap((c, index) => ('event' in c ? [{ index, event: c.event }] : []));
  const stored = await deps.pipeline.acceptMany(accepted.map((a) => a.event));
  const results: unknown[] = new Array(events.length);
  checked.forEach((c, index) => {
    if ('err' in c) {
      const e = toApiError(c.err);
      deps.metrics.eventsRefused.inc({ code: e.code });
      results[index] = { index, error: { code: e.code, message: e.message, details: e.details } };
    }
  });
  accepted.forEach(({ index }, i) => {
    const r = stored[i]!;
    if ('error' in r) {
      const e = toApiError(r.error);
      results[index] = { index, error: { code: e.code, message: e.message } };
    } else results[index] = { index, ...r };
  });
  return results;
}

/** Who sends the event: the key's scopes decide an inline profile patch, its id scopes idempotency keys. */
interface Caller {
  scopes: readonly string[];
  keyId?: string;
}

function callerOf(apiKey: { scopes: readonly string[]; keyId?: string } | undefined): Caller {
  return { scopes: apiKey?.scopes ?? [], ...(apiKey?.keyId ? { keyId: apiKey.keyId } : {}) };
}

/** Validates one event body and converts its profile patch. Throws an {@link ApiError} with a code. */
async function toAccepted(deps: EventsRouteDeps, body: unknown, caller: Caller): Promise<AcceptedEvent> {
  const unstorable = unstorableText(body);
  if (unstorable) throw unstorable;
  checkBagFirst(body, 'properties');
  const input = parseOrThrow(eventInput, body);
  refuseReservedSource(input.source);
  const occurredAt = new Date(input.occurredAt);
  let profile: StoredPatch | null = null;
  if (input.profile) {
    // A profile patch is a profile write, whichever route carries it.
    if (!caller.scopes.includes('customers:write')) {
      throw new ApiError(403, 'INSUFFICIENT_SCOPE', 'An inline "profile" patch needs the scope "customers:write".', {
        required: 'customers:write',
        granted: caller.scopes,
      });
    }
    const zone = hasDateOnly(input.profile) ? await customerZone(deps.models, input.customerId) : undefined;
    const patch = toProfilePatch(input.profile, deps.profileFields, zone);
    await guardProfileWrite(deps.models, input.customerId, patch.set ?? {});
    profile = Object.entries(patch.set ?? {}).map(([path, value]) => ({ path, value }));
  }
  return {
    source: input.source ?? 'api',
    idempotencyKey: input.idempotencyKey,
    type: input.type,
    customerId: input.customerId,
    occurredAt,
    properties: input.properties,
    profile,
    bodyHash: eventBodyHash({ ...input, occurredAt, profile: input.profile }),
    ...(caller.keyId ? { keyId: caller.keyId } : {}),
  };
}

/** The customer's stored time zone, if any. */
export async function customerZone(models: Models, customerId: string): Promise<string | undefined> {
  const profile = await findProfile(models, customerId);
  return typeof profile?.timezone === 'string' ? profile.timezone : undefined;
}
