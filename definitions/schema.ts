/**
 * The journey language as zod schemas: the single source of truth for validation, the TypeScript
 * input types and the generated JSON Schema (`definitions/journey.schema.json`).
 *
 * Step lists are built by factories so the compiler can validate one level at a time (nested
 * lists as `unknown[]`, for precise errors) while the JSON Schema describes the full recursion.
 */
import { z } from 'zod';
import { DURATION_PATTERN } from './durations.js';
import type { StepKindKey } from './step-kinds.js';

const duration = z.string().meta({
  description: 'A duration: 45m, 3h, 3d, 2w, 1h30m, or ISO 8601 (P3D, PT1H).',
  pattern: DURATION_PATTERN,
});
const stepId = z.string().meta({ description: 'Stable step id (letters, digits, - _ .); give one to every send.' });
const eventName = z.string().meta({ description: 'An event type, e.g. order.completed.' });
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
  .strictObject({ event: eventName, where: conditionSchema.optional() })
  .meta({ description: 'An event, written as { event: order.completed } with an optional where.' });

/** Step kinds without nested step lists. */
const leafStepSchemas = {
  send: z.strictObject({
    id: stepId.optional(),
    send: z.strictObject({
      channel: z.enum(SEND_CHANNELS),
      template: z.string(),
      fallback: z.enum(DELIVERY_CHANNELS).optional(),
    }),
  }),
  wait: z.strictObject({ id: stepId.optional(), wait: duration }),
  wait_until: z.strictObject({
    id: stepId.optional(),
    wait_until: z.strictObject({
      at: z.string().optional().meta({ description: 'An absolute ISO 8601 date-time with offset.' }),
      date: z.string().optional().meta({ description: 'A date attribute: profile.<path> or event.<path>.' }),
      before: duration.optional(),
      after: duration.optional(),
      time: z.string().optional().meta({ description: 'Local time of day HH:MM (policy time zone).' }),
      weekdays: z.array(z.enum(WEEKDAYS)).optional(),
    }),
  }),
  update_profile: z.strictObject({
    id: stepId.optional(),
    update_profile: z.strictObject({
      set: z.record(z.string(), z.unknown()).optional(),
      add_tags: z.array(z.string()).optional(),
      remove_tags: z.array(z.string()).optional(),
    }),
  }),
  exit: z.strictObject({
    id: stepId.optional(),
    exit: z.string().nullable().meta({ description: 'Outcome label (default: exited).' }),
  }),
};

/** Builds every step kind's schema around `list`, the schema of a nested step list. */
export function makeStepSchemas<L extends z.ZodType>(list: L) {
  return {
    ...leafStepSchemas,
    wait_for: z.strictObject({
      id: stepId.optional(),
      wait_for: z.strictObject({ event: eventName, where: conditionSchema.optional(), timeout: duration }),
      on_event: list.optional(),
      on_timeout: list.optional(),
    }),
    if: z.strictObject({ id: stepId.optional(), if: conditionSchema, then: list, else: list.optional() }),
    branch: z.strictObject({
      id: stepId.optional(),
      branch: z.array(z.strictObject({ when: conditionSchema, steps: list })),
      default: list.optional(),
    }),
    split: z.strictObject({
      id: stepId.optional(),
      split: z.array(z.strictObject({ name: z.string(), weight: z.number(), steps: list.optional() })),
    }),
    repeat: z.strictObject({
      id: stepId.optional(),
      repeat: z.strictObject({ times: z.number().int(), every: duration, until: eventMatchSchema.optional() }),
      steps: list,
    }),
  } satisfies Record<StepKindKey, z.ZodType>;
}

/** Step schemas with nested lists left unchecked: the compiler validates them item by item. */
export const shallowStepSchemas = makeStepSchemas(z.array(z.unknown()));

const entrySchema = z.strictObject({
  event: eventName.optional(),
  where: conditionSchema.optional(),
  segment: conditionSchema.optional(),
  schedule: z.strictObject({ cron: z.string(), timezone: z.string().optional() }).optional(),
  api: z.boolean().optional(),
  reentry: z.union([z.enum(['never', 'always']), z.strictObject({ after: duration })]).optional(),
});

const exitSchema = z.strictObject({
  on: eventName,
  where: conditionSchema.optional(),
  goal: z.boolean().optional(),
  window: duration.optional(),
});

const goalSchema = z.strictObject({ on: eventName, where: conditionSchema.optional(), window: duration.optional() });

const policySchema = z.strictObject({
  timezone: z.string().optional().meta({ description: 'IANA zone (Asia/Tokyo) or profile.<path>.' }),
  timezone_fallback: z.string().optional(),
  quiet_hours: z.string().optional().meta({ description: 'HH:MM-HH:MM, may cross midnight.' }),
  frequency_cap: z
    .strictObject({ max: z.number().int().min(1), per: duration, over: z.enum(['defer', 'skip']).optional() })
    .optional(),
});

function makeJourneySchema<L extends z.ZodType>(steps: L) {
  return z.strictObject({
    $schema: z.string().optional(),
    journey: z.string().meta({ description: 'Journey id (lowercase letters, digits and -).' }),
    name: z.string(),
    description: z.string().optional(),
    entry: entrySchema,
    holdout: z
      .union([z.number(), z.string()])
      .optional()
      .meta({ description: 'Share of entrants who receive nothing: 10% or 10.' }),
    exit: z.array(exitSchema).optional(),
    goals: z.array(goalSchema).optional(),
    policy: policySchema.optional(),
    steps: steps,
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
  description: 'An email and LINE marketing journey (see README, "The journey language").',
});

export type ShallowJourney = z.infer<typeof shallowJourneySchema>;
export type ShallowStepSchemas = typeof shallowStepSchemas;
export type ShallowStep<K extends StepKindKey> = z.infer<ShallowStepSchemas[K]>;

/** The JSON Schema of the language, as committed in `definitions/journey.schema.json`. */
export function journeyJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(journeySchema, { target: 'draft-2020-12', unrepresentable: 'any' });
}
