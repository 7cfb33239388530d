/**
 * Response shapes of the read-side routes (timeline, reports), as zod schemas for the OpenAPI
 * document (api/http/openapi.ts). The routes build these objects themselves; the schemas describe them.
 */
import { z } from 'zod';

export const timelineItem = z
  .object({
    id: z
      .string()
      .meta({ description: 'Unique in the timeline: `event:<eventId>`, `journal:<rowId>`, `delivery:<key>`.' }),
    at: z.iso.datetime(),
    kind: z.enum(['event', 'journal', 'delivery']),
    category: z.enum([
      'purchase',
      'inquiry',
      'line-message',
      'line-postback',
      'consent',
      'route',
      'event',
      'journey',
      'message',
    ]),
    type: z.string().optional().meta({ description: 'Events: the event type.' }),
    eventId: z.string().optional(),
    source: z.string().optional(),
    properties: z.record(z.string(), z.unknown()).optional(),
    consent: z.record(z.string(), z.string()).optional().meta({ description: 'Consent changes an event carried.' }),
    journeyId: z.string().optional(),
    version: z.number().int().optional(),
    stepId: z.string().nullable().optional(),
    stepKind: z.string().nullable().optional(),
    action: z.string().optional().meta({ description: 'Journal rows: entered, sent, skipped, converted, ...' }),
    reason: z.string().nullable().optional(),
    detail: z.record(z.string(), z.unknown()).optional(),
    template: z.string().optional(),
    channel: z.enum(['email', 'line']).nullable().optional(),
    status: z.enum(['pending', 'sent', 'failed', 'skipped']).optional(),
    sentAt: z.iso.datetime().nullable().optional(),
  })
  .meta({ id: 'TimelineItem' });

export const timelinePage = z
  .object({
    customerId: z.string(),
    items: z.array(timelineItem),
    next: z.string().nullable().meta({ description: 'Pass as `before` for the next page; null on the last.' }),
  })
  .meta({ id: 'TimelinePage' });

const answerFigures = {
  answers: z.number().int(),
  purchased: z.number().int().meta({ description: 'Answers followed by an order within the window.' }),
  revenue: z.number().meta({ description: 'Sum of `total` of those orders.' }),
};

export const answersReport = z
  .object({
    journeyId: z.string(),
    purchaseWindowDays: z.number().int(),
    questions: z.array(
      z.object({
        question: z.string(),
        answers: z.number().int(),
        tally: z.array(
          z.object({
            answer: z.string(),
            ...answerFigures,
            purchaseRate: z.number().nullable(),
            routes: z.array(z.object({ route: z.string().nullable(), ...answerFigures })),
          }),
        ),
      }),
    ),
  })
  .meta({ id: 'AnswersReport' });

/** LINE's `MessageQuotaResponse` (`GET /v2/bot/message/quota`), as LINE's Messaging API documents it. */
export const lineMessageQuota = z
  .object({
    type: z.enum(['none', 'limited']).meta({ description: '`limited` when the channel has a monthly limit.' }),
    value: z.number().int().optional().meta({ description: 'The monthly limit; only with `type: limited`.' }),
  })
  .meta({ id: 'LineMessageQuota' });

/** LINE's `QuotaConsumptionResponse` (`GET /v2/bot/message/quota/consumption`). */
export const lineQuotaConsumption = z
  .object({ totalUsage: z.number().int().meta({ description: 'Messages LINE counted this month.' }) })
  .meta({ id: 'LineQuotaConsumption' });

export const lineBudgetReport = z
  .object({
    month: z.string().meta({ description: 'The month counted, `YYYY-MM` in Japan time (as LINE counts).' }),
    budget: z
      .object({
        monthly: z.number().int(),
        reserve: z.number().int(),
        marketingLimit: z.number().int().meta({ description: '`monthly - reserve`: where marketing sends stop.' }),
      })
      .meta({ description: '`line_budget` of definitions/workspace.yaml.' }),
    used: z.number().int().meta({ description: 'LINE messages Kizuna counted this month (one per push).' }),
    line: z
      .object({ quota: lineMessageQuota, consumption: lineQuotaConsumption })
      .nullable()
      .meta({ description: "LINE's own figures as last read (cached briefly); null when they could not be read." }),
    lineError: z.string().nullable().meta({ description: 'Why LINE could not be read.' }),
    open: z
      .object({ marketing: z.boolean(), transactional: z.boolean() })
      .meta({ description: 'Whether a LINE send of each kind would go now (else: fallback or `line-budget`).' }),
  })
  .meta({ id: 'LineBudgetReport' });
