/**
 * The shapes of the API's success responses, as zod schemas: the OpenAPI document
 * (api/http/openapi.ts) describes every 2xx body with one of them, and the contract tests validate
 * real answers against that document.
 */
import { z } from 'zod';
import { eventResult } from './schemas.js';

/** One item of a batch's answer: its result, or why it was refused. */
export const batchResult = z
  .object({
    results: z.array(
      z.union([
        eventResult.extend({ index: z.number().int().min(0) }),
        z.object({
          index: z.number().int().min(0),
          error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
        }),
      ]),
    ),
  })
  .meta({ id: 'EventBatchResult' });

/** A stored profile: `customerId`, the declared fields written so far, and the system fields. */
export const customerProfile = z
  .object({ customerId: z.string() })
  .catchall(z.unknown())
  .meta({ id: 'Customer', description: 'Dates are ISO 8601 text in UTC.' });

export const customerWritten = z
  .object({ customer: customerProfile, created: z.boolean() })
  .meta({ id: 'CustomerWritten', description: 'created: true with 201, false with 200.' });

export const customerRead = z.object({ customer: customerProfile }).meta({ id: 'CustomerRead' });

export const customerErased = z
  .object({
    customerId: z.string(),
    erased: z
      .record(z.string(), z.number().int().min(0))
      .meta({ description: 'Rows removed or pseudonymised, by kind.' }),
  })
  .meta({ id: 'CustomerErased' });

const journeyHead = z.object({
  journeyId: z.string(),
  name: z.string(),
  version: z.number().int().min(1),
  // store/models/journey-head.ts JOURNEY_STATUSES.
  status: z.enum(['active', 'paused', 'archived']),
});

export const journeyHeadBody = journeyHead.meta({ id: 'JourneyHead' });

export const journeyList = z.object({ journeys: z.array(journeyHead) }).meta({ id: 'JourneyList' });

export const journeyPublished = z
  .object({
    journeyId: z.string(),
    version: z.number().int().min(1),
    created: z.boolean(),
    warnings: z.array(z.unknown()),
  })
  .meta({ id: 'JourneyPublished', description: 'created: true with 201; false (200) when the content is unchanged.' });

export const journeyDetail = journeyHead
  .extend({
    versions: z.array(
      z
        .object({ journeyId: z.string(), version: z.number().int().min(1), name: z.string(), contentHash: z.string() })
        .catchall(z.unknown()),
    ),
    shown: z.number().int().min(1),
    plan: z.object({ journeyId: z.string() }).catchall(z.unknown()),
    source: z.string().optional(),
    graph: z.object({ mermaid: z.string(), svg: z.string() }),
  })
  .meta({ id: 'JourneyDetail' });

export const entriesResult = z
  .object({
    results: z.array(
      z.object({
        customerId: z.string(),
        result: z.enum(['entered', 'already-in-journey', 'journey-inactive', 'unknown-customer', 'denied']),
        reason: z.literal('reentry').optional(),
      }),
    ),
  })
  .meta({ id: 'EntriesResult' });

const rate = z.number().nullable();
export const journeyStatsBody = z
  .object({
    journeyId: z.string(),
    version: z.number().int().min(1),
    runs: z.number().int().min(0),
    holdout: z.number().int().min(0),
    converted: z.number().int().min(0),
    holdoutConverted: z.number().int().min(0),
    outcomes: z.record(z.string(), z.number()),
    steps: z.array(z.object({ stepId: z.string() }).catchall(z.unknown())),
    conversion: z.object({ treatedRate: rate, holdoutRate: rate, uplift: rate }),
    by: z
      .object({
        field: z.string(),
        values: z.array(z.object({ value: z.string().nullable() }).catchall(z.unknown())),
      })
      .optional()
      .meta({ description: 'With `?by=<field>`: the same figures per value (null: customers without one).' }),
  })
  .meta({ id: 'JourneyStats' });

export const webhookReceived = z.object({ received: z.number().int().min(0) }).meta({ id: 'WebhookReceived' });

export const health = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });

export const readiness = z
  .object({ status: z.enum(['ready', 'unavailable']), checks: z.record(z.string(), z.string()) })
  .meta({ id: 'Readiness' });

/** Every success body, for the document's components. */
export const RESPONSE_SCHEMAS = [
  batchResult,
  customerWritten,
  customerRead,
  customerErased,
  journeyHeadBody,
  journeyList,
  journeyPublished,
  journeyDetail,
  entriesResult,
  journeyStatsBody,
  webhookReceived,
  health,
  readiness,
];
