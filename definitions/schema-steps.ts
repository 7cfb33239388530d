/**
 * The step kinds of the journey language as zod schemas. Step lists are built by a factory so the
 * compiler can validate one level at a time (nested lists as `unknown[]`, for precise errors) while the
 * JSON Schema describes the full recursion (definitions/schema.ts).
 */
import { z } from 'zod';
import * as P from './patterns.js';
import * as rules from './schema-rules.js';
import { lineRichMenuStepSchema } from './schema-richmenu-step.js';
import {
  DELIVERY_CHANNELS,
  SEND_CHANNELS,
  WEEKDAYS,
  conditionSchema,
  duration,
  eventMatchSchema,
  eventName,
  stepId,
} from './schema-terms.js';
import type { StepKindKey } from './step-kinds.js';

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

/** The step schemas the compiler's first pass uses, by kind. */
export type ShallowStepSchemas = typeof shallowStepSchemas;
/** One step of kind `K` as its shallow schema reads it (nested lists as `unknown[]`). */
export type ShallowStep<K extends StepKindKey> = z.infer<ShallowStepSchemas[K]>;
