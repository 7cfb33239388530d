/**
 * Retry bounds for every activity and local activity the workflows schedule. Without them a failure
 * that is not an `ApplicationFailure` (a bug, a document the code cannot read) retries for ever: each
 * attempt is billed, and a journey run waiting on it can neither end nor continue as new. Activity
 * options are not part of a history's commands, so changing them keeps recorded histories replaying.
 */
import type { RetryPolicy } from '@temporalio/workflow';

/**
 * Failure types that fail the same way on every attempt: programming errors and documents the
 * store refuses (mongoose `ValidationError`, `CastError`, `StrictModeError`). A plain error crosses
 * the activity boundary with its `name` as its type, so these stop at the first attempt.
 */
export const DETERMINISTIC_FAILURES = [
  'TypeError',
  'ReferenceError',
  'SyntaxError',
  'RangeError',
  'ValidationError',
  'CastError',
  'StrictModeError',
] as const;

/**
 * A retry policy with exponential backoff from one second, at most `maximumAttempts` attempts, and no
 * retry of {@link DETERMINISTIC_FAILURES}.
 */
export function boundedRetry(maximumAttempts: number, maximumInterval: '1 minute' | '5 minutes'): RetryPolicy {
  return {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval,
    maximumAttempts,
    nonRetryableErrorTypes: [...DETERMINISTIC_FAILURES],
  };
}
