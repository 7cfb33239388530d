/**
 * The keys that name a step's kind; a journey step holds exactly one of them, and a plan's steps
 * carry one as `kind`. Free of zod so that the engine and workflow code can import it.
 */
import type { StepKind } from './plan.js';

/** Every step kind, in the order docs/language.md ("Steps") and error messages list them. */
export const STEP_KINDS = [
  'send',
  'wait',
  'wait_until',
  'wait_for',
  'if',
  'branch',
  'split',
  'repeat',
  'update_profile',
  'line_richmenu',
  'exit',
] as const satisfies readonly StepKind[];

/** One step kind of the language. */
export type StepKindKey = (typeof STEP_KINDS)[number];
