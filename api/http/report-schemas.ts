/**
 * Response shapes of the read-side routes (timeline, reports), as zod schemas for the OpenAPI
 * document (api/http/openapi.ts). The routes build these objects themselves; the schemas describe them.
 */
import { z } from 'zod';
import type { ArrivalFigure } from '../reports/arrival-figures.js';

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

const count = (description: string) => z.number().int().min(0).meta({ description });
const rate = (description: string) => z.number().nullable().meta({ description });

/** `from`, `to` and `days` of a period report's answer: the period read and the window after arriving. */
export function reportPeriodFields() {
  return {
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    days: z
      .number()
      .int()
      .meta({ description: 'Orders and conversions are counted within this many days of arriving.' }),
  };
}

/**
 * The figures of a routes or stores report line (api/reports/arrival-figures.ts), then its conversions.
 * `own` describes the figures whose meaning depends on what the line gathers (a route, a store).
 */
export function arrivalFigureFields(own: Record<Extract<ArrivalFigure, 'visits' | 'denied' | 'logins'>, string>) {
  return {
    visits: count(own.visits),
    denied: count(own.denied),
    logins: count(own.logins),
    friendsAdded: count('arrivals that made the person a friend of the Official Account'),
    customersLinked: count('distinct customers who arrived'),
    newCustomers: count('arrivals that were the customer’s first route (acquisitionRoute)'),
    blockedSince: count('linked customers who block the account now'),
    orders: count('order.completed events of linked customers within `days` of arriving'),
    revenue: z.number().meta({ description: 'Sum of those orders’ `properties.total`' }),
    conversions: z
      .record(z.string(), z.number().int())
      .meta({ description: 'Linked customers who converted in each journey within `days`' }),
  } satisfies Record<ArrivalFigure | 'conversions', z.ZodType>;
}

export const storesReport = z
  .object({
    ...reportPeriodFields(),
    stores: z.array(
      z
        .object({
          store: z.string().nullable().meta({ description: 'The store label; null gathers what has no store.' }),
          routes: z
            .array(z.string())
            .meta({ description: 'The routes labelled with this store (for no store, the routes without one).' }),
          ...arrivalFigureFields({
            visits: '`/r/<routeId>` opened on the store’s routes in the period',
            denied: 'LINE Logins cancelled on the store’s routes',
            logins:
              'arrivals: through the store’s routes, or through a route without a store by a customer whose `homeStore` it is',
          }),
          journeys: z
            .array(
              z.object({
                journeyId: z.string(),
                version: z.number().int(),
                runs: count('runs of customers whose homeStore this was when they entered'),
                holdout: count('of those, runs in the holdout'),
                converted: count('runs that converted (treated and holdout)'),
                holdoutConverted: count('holdout runs that converted'),
                treatedRate: rate('conversion share of treated runs'),
                holdoutRate: rate('conversion share of holdout runs'),
                uplift: rate('treatedRate minus holdoutRate'),
              }),
            )
            .meta({ description: 'Each journey’s current version among the store’s customers (all its runs).' }),
        })
        .meta({ id: 'StoreReportRow' }),
    ),
  })
  .meta({ id: 'StoresReport' });
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
