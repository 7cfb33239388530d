/**
 * The journey header's parts as zod schemas: entry, exits, goals and the send policy
 * (definitions/schema.ts assembles the language).
 */
import { z } from 'zod';
import * as P from './patterns.js';
import * as rules from './schema-rules.js';
import { conditionSchema, duration, eventName } from './schema-terms.js';

/** How customers enter. */
export const entrySchema = z
  .strictObject({
    event: eventName.optional().meta({ description: 'Enter when this event happens.' }),
    where: conditionSchema.optional().meta({ description: 'Only events (and customers) matching this query.' }),
    key: z.string().optional().meta({
      description:
        'A property of the entry event (e.g. seminarId): one run per customer and value, whose exits and goals only see events with that value (or without the property).',
      pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
    }),
    segment: conditionSchema
      .optional()
      .meta({ description: 'Enter customers matching this query, checked on the schedule.' }),
    schedule: z
      .strictObject({
        cron: z.string().meta({
          description: 'Cron expression (5 fields), e.g. 0 10 * * *.',
          pattern: rules.CRON_PATTERN,
          patternErrorMessage: 'a cron expression has 5 fields: minute hour day month weekday',
        }),
        timezone: z.string().optional().meta({ description: 'IANA zone of the cron expression.' }),
      })
      .optional()
      .meta({ description: 'When the segment is checked.' }),
    api: z.boolean().optional().meta({ description: 'Customers may be entered through the API.' }),
    reentry: z
      .union([
        z.enum(['never', 'always']),
        z.strictObject({ after: duration }).meta({ description: 'Again after this long since the last entry.' }),
      ])
      .optional()
      .meta({ description: 'May a customer enter again: never (default), always, or { after: <duration> }.' }),
  })
  .meta({
    title: 'Entry',
    description: 'How customers enter: on an event, by segment on a schedule, or by API (one of them).',
    ...rules.ENTRY_RULES,
  });

/** One exit event. */
export const exitSchema = z
  .strictObject({
    on: eventName.meta({ description: 'Leave when this event happens.' }),
    where: conditionSchema.optional().meta({ description: 'Only events (and customers) matching this query.' }),
    goal: z.boolean().optional().meta({ description: 'Count this exit as a conversion.' }),
    window: duration.optional().meta({ description: 'A conversion counts within this long after the last message.' }),
  })
  .meta({ description: 'An event that ends the journey at once.', ...rules.EXIT_RULES });

/** One conversion goal. */
export const goalSchema = z
  .strictObject({
    on: eventName.meta({ description: 'The conversion event.' }),
    where: conditionSchema.optional().meta({ description: 'Only events (and customers) matching this query.' }),
    window: duration.optional().meta({ description: 'A conversion counts within this long after the last message.' }),
  })
  .meta({ description: 'A conversion counted without ending the journey.' });

/** The send policy. */
export const policySchema = z
  .strictObject({
    timezone: z.string().optional().meta({ description: 'IANA zone (Asia/Tokyo) or profile.<path>.' }),
    timezone_fallback: z.string().optional().meta({ description: 'IANA zone used when the profile has none.' }),
    quiet_hours: z
      .string()
      .optional()
      .meta({
        description: 'HH:MM-HH:MM, two different times; may cross midnight.',
        pattern: P.QUIET_HOURS_PATTERN,
        patternErrorMessage: 'write two different local times, HH:MM-HH:MM (e.g. 21:00-09:00)',
        not: { pattern: P.EMPTY_QUIET_HOURS_PATTERN },
      }),
    frequency_cap: z
      .strictObject({
        max: z.number().int().min(1).meta({ description: 'Messages at most...' }),
        per: duration.meta({ description: '...within this long, across all journeys, per channel.' }),
        over: z
          .enum(['defer', 'skip'])
          .optional()
          .meta({ description: 'Over the cap: defer the message (default) or skip it.' }),
      })
      .optional()
      .meta({ description: 'At most max messages per customer and channel within per.' }),
  })
  .meta({ title: 'Send policy', description: 'Time zone, quiet hours and frequency cap of the sends.' });
