/**
 * The journey language as zod schemas: the single source of truth for validation, the TypeScript
 * input types and the generated JSON Schema (`definitions/journey.schema.json`). The shared words are in
 * schema-terms.ts, the step kinds in schema-steps.ts, the header's parts in schema-journey-parts.ts.
 */
import { z } from 'zod';
import * as P from './patterns.js';
import { entrySchema, exitSchema, goalSchema, policySchema } from './schema-journey-parts.js';
import { makeStepSchemas } from './schema-steps.js';

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

/** The JSON Schema of the language, as committed in `definitions/journey.schema.json`. */
export function journeyJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(journeySchema, { target: 'draft-2020-12', unrepresentable: 'any' });
}
