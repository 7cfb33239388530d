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
