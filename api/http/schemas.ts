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

const id = (what: string) =>
  z
    .string()
    .min(1)
    .max(200)
    .regex(/^[^\s$][^\s]*$/, `${what} has no whitespace and does not start with "$"`);

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
    source: id('a source').max(100).optional().meta({ description: 'Who sends the event; default "api".' }),
    properties: z
      .record(z.string(), z.unknown())
      .default({})
      .meta({
        description:
          'At most 32 KB as JSON; keys (any depth) are 1–200 characters without control characters, a leading "$" or ".".',
      }),
    profile: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ description: 'A profile patch applied before routing, validated as PUT /v1/customers/:id.' }),
  })
  .strict()
  .meta({ id: 'EventInput' });
export type EventInput = z.infer<typeof eventInput>;

export const eventBatchInput = z
  .object({ events: z.array(z.unknown()).min(1) })
  .strict()
  .meta({ id: 'EventBatchInput', description: `Up to ${MAX_BATCH} events, each validated as EventInput.` });

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
  })
  .meta({ id: 'EventResult' });

export const customerInput = z.record(z.string(), z.unknown()).meta({
  id: 'CustomerInput',
  description: 'Profile fields of definitions/profile-fields.yaml; null removes a field.',
  example: { email: 'hanako@example.jp', lastName: '山田', consent: { email: 'subscribed' } },
});

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
    properties: z.record(z.string(), z.unknown()).default({}),
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
