/**
 * The journey language as zod schemas: the single source of truth for validation, the TypeScript
 * input types and the generated JSON Schema (`definitions/journey.schema.json`).
 *
 * Step lists are built by factories so the compiler can validate one level at a time (nested
 * lists as `unknown[]`, for precise errors) while the JSON Schema describes the full recursion.
 */
import { z } from 'zod';
import { DURATION_PATTERN } from './durations.js';
import * as P from './patterns.js';
import * as rules from './schema-rules.js';
import { lineRichMenuStepSchema } from './schema-richmenu-step.js';
import type { StepKindKey } from './step-kinds.js';

const duration = z.string().meta({
  description: 'A duration: 45m, 3h, 3d, 2w, 1h30m, or ISO 8601 (P3D, PT1H).',
  pattern: DURATION_PATTERN,
  patternErrorMessage: 'write a duration above zero: 45m, 3h, 3d, 2w, or ISO 8601 such as P3D (no months or years)',
});
const stepId = z.string().meta({
  title: 'Step id',
  description: 'Stable step id (letters, digits, - _ .); give one to every send.',
  pattern: P.STEP_ID.source,
  patternErrorMessage: 'a step id has letters, digits, -, _ and . only',
});
const eventName = z.string().meta({
  description: 'An event type, e.g. order.completed (letters, digits, - _, parts joined by dots).',
  pattern: P.EVENT_NAME.source,
  patternErrorMessage: 'write an event type like order.completed',
});
/** A MongoDB-style query; bare paths are profile fields, `event.*` paths are event properties. */
export const conditionSchema = z.record(z.string(), z.unknown()).meta({
  id: 'Condition',
  description:
    'MongoDB query syntax ($eq $ne $gt $gte $lt $lte $in $nin $exists $and $or $nor $not $regex $size $all $elemMatch $olderThan $withinLast).',
});

export const SEND_CHANNELS = ['email', 'line', 'preferred'] as const;
export const DELIVERY_CHANNELS = ['email', 'line'] as const;
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export const eventMatchSchema = z
  .strictObject({
    event: eventName,
    where: conditionSchema.optional().meta({ description: 'Only events (and customers) matching this query.' }),
  })
  .meta({ description: 'An event, written as { event: order.completed } with an optional where.' });

/** Title, description and completion snippet of one step kind, as editors show them. */
function step(kind: StepKindKey, description: string) {
  return { title: kind, description, defaultSnippets: rules.stepSnippets(kind) };
}

/** Step kinds without nested step lists. */
const leafStepSchemas = {
  send: z
    .strictObject({
      id: stepId.optional(),
      send: z
        .strictObject({
          channel: z.enum(SEND_CHANNELS).meta({
            description: 'email, line, or preferred (LINE when the customer follows the account, else email).',
          }),
          template: z.string().meta({ description: 'Template name: templates/<channel>/<name>.yaml.' }),
          fallback: z
            .enum(DELIVERY_CHANNELS)
            .optional()
            .meta({ description: 'Channel to try once when the first is not allowed or fails permanently.' }),
        })
        .meta({ description: 'The channel and the template.', ...rules.SEND_RULES }),
    })
    .meta(step('send', 'Send a message by email or LINE from a template.')),
  wait: z
    .strictObject({ id: stepId.optional(), wait: duration })
    .meta(step('wait', 'Wait for a duration, then go on.')),
  wait_until: z
    .strictObject({
      id: stepId.optional(),
      wait_until: z
        .strictObject({
          at: z.string().optional().meta({
            description: 'An absolute ISO 8601 date-time with offset, e.g. 2026-12-01T10:00:00+09:00.',
            pattern: P.DATE_TIME.source,
            patternErrorMessage: 'write a date-time with its offset, such as 2026-12-01T10:00:00+09:00',
          }),
          date: z.string().optional().meta({
            description: 'A date attribute: profile.<path> or event.<path>.',
            pattern: P.DATE_SOURCE.source,
            patternErrorMessage: 'name a date attribute: profile.<field> or event.<field>',
          }),
          before: duration.optional().meta({ description: 'This long before the date.' }),
          after: duration.optional().meta({ description: 'This long after the date.' }),
          time: z.string().optional().meta({
            description: 'Local time of day HH:MM (policy time zone).',
            pattern: P.TIME_OF_DAY_PATTERN,
            patternErrorMessage: 'write a local time HH:MM such as 10:00',
          }),
          weekdays: z
            .array(z.enum(WEEKDAYS))
            .optional()
            .meta({ description: 'Only on these days of the week (mon ... sun), the next one on or after.' }),
        })
        .meta({
          description: 'A fixed date-time (at) or a date attribute (date) with an offset and a local time.',
          ...rules.WAIT_UNTIL_RULES,
        }),
    })
    .meta(step('wait_until', 'Wait until a date and time, e.g. 3 days before profile.renewalDate at 10:00.')),
  update_profile: z
    .strictObject({
      id: stepId.optional(),
      update_profile: z
        .strictObject({
          set: z
            .record(z.string(), z.unknown())
            .optional()
            .meta({ description: 'Profile fields to set: { field: value }.' }),
          add_tags: z.array(z.string()).optional().meta({ description: 'Tags to add.' }),
          remove_tags: z.array(z.string()).optional().meta({ description: 'Tags to remove.' }),
        })
        .meta({ description: 'Fields to set and tags to add or remove.', ...rules.UPDATE_RULES }),
    })
    .meta(step('update_profile', 'Set profile fields and add or remove tags.')),
  line_richmenu: lineRichMenuStepSchema(stepId),
  exit: z
    .strictObject({
      id: stepId.optional(),
      exit: z.string().nullable().meta({ description: 'Outcome label (default: exited).' }),
    })
    .meta(step('exit', 'Leave the journey here, with an outcome label.')),
};

/** Builds every step kind's schema around `list`, the schema of a nested step list. */
export function makeStepSchemas<L extends z.ZodType>(list: L) {
  const steps = (description: string) => list.meta({ description, minItems: 1 });
  return {
    ...leafStepSchemas,
    wait_for: z
      .strictObject({
        id: stepId.optional(),
        wait_for: z
          .strictObject({
            event: eventName,
            where: conditionSchema.optional().meta({ description: 'Only events (and customers) matching this query.' }),
            timeout: duration.meta({ description: 'How long to wait for the event.' }),
          })
          .meta({ description: 'The event to wait for, and for how long.' }),
        on_event: steps('Steps when the event happens in time.').optional(),
        on_timeout: steps('Steps when the wait times out.').optional(),
      })
      .meta(step('wait_for', 'Wait for an event, with a timeout and separate steps for each outcome.')),
    if: z
      .strictObject({
        id: stepId.optional(),
        if: conditionSchema.meta({ description: 'A condition on the profile and the entry event.' }),
        then: steps('Steps when the condition holds.'),
        else: steps('Steps otherwise.').optional(),
      })
      .meta(step('if', 'Take one of two paths by a condition on the profile or the event.')),
    branch: z
      .strictObject({
        id: stepId.optional(),
        branch: z
          .array(
            z
              .strictObject({
                when: conditionSchema.meta({ description: 'The condition of this path.' }),
                steps: steps('Steps of this path.'),
              })
              .meta({ description: 'One path: its condition and its steps.' }),
          )
          .meta({ description: 'Paths tried in order; the first whose condition holds is taken.', minItems: 1 }),
        default: steps('Steps when no path matches.').optional(),
      })
      .meta(step('branch', 'Take the first of several paths whose condition holds.')),
    split: z
      .strictObject({
        id: stepId.optional(),
        split: z
          .array(
            z
              .strictObject({
                name: z.string().meta({ description: 'Variant name, reported in the results.' }),
                weight: z.number().meta({
                  description: 'Relative share of customers: a whole number above 0.',
                  type: 'integer',
                  exclusiveMinimum: 0,
                  errorMessage: 'a weight is a positive whole number (weights are relative: 50 and 50, or 1 and 1)',
                }),
                steps: list.meta({ description: 'Steps of this variant (none: a control group).' }).optional(),
              })
              .meta({ description: 'One variant.' }),
          )
          .meta({
            description: 'Two variants or more, each with a weight; a customer always gets the same one.',
          }),
      })
      .meta({
        ...step('split', 'A/B test: send customers down weighted random variants, stable per customer.'),
        ...rules.SPLIT_RULES,
      }),
    repeat: z
      .strictObject({
        id: stepId.optional(),
        repeat: z
          .strictObject({
            times: z.number().int().meta({ description: 'How many times at most.' }),
            every: duration.meta({ description: 'Time between two rounds.' }),
            until: eventMatchSchema.optional().meta({ description: 'Stop when this event happens.' }),
          })
          .meta({ description: 'How often and until when.' }),
        steps: steps('Steps of one round.'),
      })
      .meta(step('repeat', 'Run steps several times at an interval, until an event.')),
  } satisfies Record<StepKindKey, z.ZodType>;
}

/** Step schemas with nested lists left unchecked: the compiler validates them item by item. */
export const shallowStepSchemas = makeStepSchemas(z.array(z.unknown()));

const entrySchema = z
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

const exitSchema = z
  .strictObject({
    on: eventName.meta({ description: 'Leave when this event happens.' }),
    where: conditionSchema.optional().meta({ description: 'Only events (and customers) matching this query.' }),
    goal: z.boolean().optional().meta({ description: 'Count this exit as a conversion.' }),
    window: duration.optional().meta({ description: 'A conversion counts within this long after the last message.' }),
  })
  .meta({ description: 'An event that ends the journey at once.', ...rules.EXIT_RULES });

const goalSchema = z
  .strictObject({
    on: eventName.meta({ description: 'The conversion event.' }),
    where: conditionSchema.optional().meta({ description: 'Only events (and customers) matching this query.' }),
    window: duration.optional().meta({ description: 'A conversion counts within this long after the last message.' }),
  })
  .meta({ description: 'A conversion counted without ending the journey.' });

const policySchema = z
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

const HOLDOUT_MESSAGE = 'the holdout is a share below 100%, written like 10%';

function makeJourneySchema<L extends z.ZodType>(steps: L) {
  return z.strictObject({
    $schema: z.string().optional().meta({ description: 'The JSON Schema editors check this file with.' }),
    journey: z.string().meta({
      description: 'Journey id (lowercase letters, digits and -).',
      pattern: P.JOURNEY_ID.source,
      patternErrorMessage: 'a journey id has lowercase letters, digits and - only',
    }),
    name: z.string().meta({ description: 'A name people read.' }),
    description: z.string().optional().meta({ description: 'What the journey does and for whom.' }),
    transactional: z.boolean().optional().meta({
      description:
        'true for messages the customer asked for (a booking confirmation, a reminder of their order): their LINE messages may use the reserve of the workspace LINE budget, which marketing sends leave free.',
    }),
    entry: entrySchema,
    holdout: z
      .union([
        z.number().meta({ minimum: 0, exclusiveMaximum: 100, errorMessage: HOLDOUT_MESSAGE }),
        z.string().meta({ pattern: P.HOLDOUT_PATTERN, errorMessage: HOLDOUT_MESSAGE }),
      ])
      .optional()
      .meta({ description: 'Share of entrants who receive nothing, below 100: 10% or 10.' }),
    exit: z.array(exitSchema).optional().meta({ description: 'Events that end the journey at once.' }),
    goals: z.array(goalSchema).optional().meta({ description: 'Conversions counted without ending the journey.' }),
    policy: policySchema.optional(),
    steps: steps.meta({ description: 'The steps, run in order.' }),
  });
}

/** A journey document with step lists left unchecked (first pass of the compiler). */
export const shallowJourneySchema = makeJourneySchema(z.array(z.unknown()));

const stepListRef: z.ZodType = z.lazy(() => stepList);
const fullStepSchemas = makeStepSchemas(stepListRef);
const stepSchema = z.union(Object.values(fullStepSchemas)).meta({ id: 'Step' });
const stepList = z.array(stepSchema);

/** The whole language, recursion included: what the JSON Schema is generated from. */
export const journeySchema = makeJourneySchema(stepList).meta({
  title: 'Kizuna journey',
  description: 'An email and LINE marketing journey (the language: docs/language.md).',
});

export type ShallowJourney = z.infer<typeof shallowJourneySchema>;
export type ShallowStepSchemas = typeof shallowStepSchemas;
export type ShallowStep<K extends StepKindKey> = z.infer<ShallowStepSchemas[K]>;

/** The JSON Schema of the language, as committed in `definitions/journey.schema.json`. */
export function journeyJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(journeySchema, { target: 'draft-2020-12', unrepresentable: 'any' });
}
