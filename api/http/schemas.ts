/**
 * The request and response shapes, as zod schemas: the same objects validate requests and generate
 * the OpenAPI document (api/http/openapi.ts), so the two cannot drift apart.
 */
import { z } from 'zod';
import { API_SCOPES } from '../../store/apikeys.js';

/** Most events a batch may carry. */
export const MAX_BATCH = 1_000;
/** Most customer ids one API entry request may carry. */
export const MAX_ENTRIES = 1_000;
/** Largest `properties` object, as JSON text in bytes. */
export const MAX_PROPERTIES_BYTES = 32 * 1024;

// JavaScript's \s, spelled out: a pattern with \s would mean another set in other regex engines.
const SPACE = '\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';

/**
 * An id (customer id, idempotency key; a source up to `max` 100): 1 to `max` characters (code points,
 * as JSON Schema counts them), no whitespace, not starting with "$".
 */
export const idPattern = (max = 200) => new RegExp(`^[^${SPACE}$][^${SPACE}]{0,${max - 1}}$`, 'u');
export const ID_PATTERN = idPattern();

const id = (what: string, max?: number) =>
  z.string().regex(idPattern(max), `${what} is 1-${max ?? 200} characters, no whitespace, not starting with "$"`);

/**
 * A key of a free-form property bag: 1-200 characters, not starting with "$", no "." (MongoDB operators and
 * paths), no control character (BSON cannot hold a NUL in a key). The same rule as `isStorableKey`.
 */
// eslint-disable-next-line no-control-regex
export const PROPERTY_KEY = /^[^$.\x00-\x1f\x7f][^.\x00-\x1f\x7f]{0,199}$/;
const propertyKey = z.string().regex(PROPERTY_KEY);

/** Text the store can keep: no NUL (refused as FORBIDDEN_CHARACTER wherever it appears). */
// eslint-disable-next-line no-control-regex
export const NO_NUL = /^[^\x00]*$/;
const text = () => z.string().regex(NO_NUL);

const scalar = z.union([text(), z.number(), z.boolean(), z.null()]);

/**
 * A value inside a property bag: any JSON but an array directly inside an array (FerretDB cannot
 * store one), with keys of {@link PROPERTY_KEY} at every depth.
 */
export const propertyValue: z.ZodType = z
  .lazy(() =>
    z.union([
      scalar,
      z.array(z.union([scalar, z.record(propertyKey, propertyValue)])),
      z.record(propertyKey, propertyValue),
    ]),
  )
  .meta({
    id: 'PropertyValue',
    description:
      'Any JSON value but an array directly inside an array; object keys follow the property key rules at every depth.',
  });

/** A free-form property bag (event and entry properties). */
export const propertyBag = z.record(propertyKey, propertyValue).default({}).meta({
  description:
    'At most 32 KB as JSON and 20 levels deep; keys (at any depth) are 1-200 characters without control characters, a leading "$" or "."; no array directly inside an array.',
});

export const eventType = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, 'an event type is letters, digits and . _ : -, e.g. "order.completed"')
  .meta({ example: 'order.completed' });

/** One customer event as the shop sends it. */
export const eventInput = z
  .object({
    type: eventType,
    customerId: id('a customer id').meta({ example: 'cust-1001' }),
    occurredAt: z.iso.datetime({ offset: true }).meta({ example: '2026-11-02T19:00:00+09:00' }),
    idempotencyKey: id('an idempotency key').meta({
      description: 'Unique per source: a retried POST with the same key returns the first result.',
      example: 'order-7001',
    }),
    source: id('a source', 100).optional().meta({ description: 'Who sends the event; default "api".' }),
    properties: propertyBag,
    profile: z.record(z.string(), z.unknown()).optional().meta({
      description: 'A profile patch applied before routing, validated as PUT /v1/customers/:id (CustomerInput).',
    }),
  })
  .strict()
  .meta({ id: 'EventInput' });
export type EventInput = z.infer<typeof eventInput>;

export const eventBatchInput = z
  .object({ events: z.array(z.unknown()).min(1).meta({ maxItems: MAX_BATCH }) })
  .strict()
  .meta({
    id: 'EventBatchInput',
    description: `Up to ${MAX_BATCH} events (more: 400 BATCH_TOO_LARGE), each validated as EventInput and answered in its own result.`,
  });

export const routeStatus = z.enum(['entered', 'signalled', 'ignored', 'pending']);

export const eventResult = z
  .object({
    eventId: z.string(),
    status: z.union([routeStatus, z.literal('duplicate')]),
    journeys: z
      .array(z.object({ journeyId: z.string(), action: z.string() }))
      .meta({ description: 'What each listening journey did with the event.' }),
    first: z
      .object({ status: routeStatus, journeys: z.array(z.object({ journeyId: z.string(), action: z.string() })) })
      .optional()
      .meta({ description: 'For a duplicate: the first delivery of this idempotency key.' }),
    error: z
      .object({ code: z.string(), message: z.string() })
      .optional()
      .meta({ description: 'With pending: why routing waits (the outbox routes the stored event later).' }),
  })
  .meta({ id: 'EventResult' });

/**
 * A profile patch as first read: an object. api/customers/profile-input.ts checks its fields against
 * the declared ones; the document shows them (api/http/profile-schema.ts).
 */
export const customerInput = z.record(z.string(), z.unknown());

export const journeyBundle = z
  .object({
    journey: z.string().min(1).meta({ description: 'The journey YAML.' }),
    file: z.string().max(300).optional(),
    templates: z
      .record(z.string(), z.object({ email: z.string().optional(), line: z.string().optional() }))
      .optional()
      .meta({ description: 'Template YAML by name and channel; absent ones come from the server catalog.' }),
  })
  .strict()
  .meta({ id: 'JourneyBundle' });

export const entriesInput = z
  .object({
    customerIds: z.array(id('a customer id')).min(1).max(MAX_ENTRIES),
    properties: propertyBag,
    idempotencyKey: id('an idempotency key').optional(),
  })
  .strict()
  .meta({ id: 'EntriesInput' });

export const apiKeyInput = z
  .object({
    name: z.string().min(1).max(100),
    scopes: z.array(z.enum(API_SCOPES)).min(1),
    rateLimitPerMinute: z.number().int().positive().nullable().optional(),
  })
  .strict()
  .meta({ id: 'ApiKeyInput' });

export const errorBody = z
  .object({
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
  })
  .meta({ id: 'Error' });

/** A LINE webhook body: events are objects; kinds and fields Kizuna does not use are ignored. */
export const lineWebhookBody = z
  .looseObject({
    destination: z.string().optional(),
    events: z.array(
      z
        .looseObject({})
        .meta({ description: 'A LINE webhook event (follow, unfollow, message, postback; others ignored).' }),
    ),
  })
  .meta({ id: 'LineWebhookBody' });
