/**
 * The shapes of the language's names and times, shared by the compiler's checks and the JSON Schema,
 * so that an editor refuses exactly what `kizuna validate` refuses. Pure: no imports.
 */

/** A journey id: lowercase letters, digits and -, as it appears in workflow ids. */
export const JOURNEY_ID = /^[a-z0-9][a-z0-9-]*$/;

/** A step id: letters, digits, -, _ and . (it appears in idempotency keys and analytics). */
export const STEP_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** An event type such as `order.completed`. */
export const EVENT_NAME = /^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/;

/** A date-time with its offset, such as `2026-12-01T10:00:00+09:00`. */
export const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** A date attribute read by `wait_until`: `profile.<path>` or `event.<path>`. */
export const DATE_SOURCE = /^(profile|event)\.(.+)$/;

const HOUR = '(?:[01]?\\d|2[0-3])';
const CLOCK = `${HOUR}:[0-5]\\d`;

/** A local time of day `HH:MM` (hours 0 to 23), for the JSON Schema. */
export const TIME_OF_DAY_PATTERN = `^${CLOCK}$`;

/** Quiet hours `HH:MM-HH:MM`, for the JSON Schema (the compiler also refuses equal ends). */
export const QUIET_HOURS_PATTERN = `^\\s*${CLOCK}\\s*-\\s*${CLOCK}\\s*$`;

/** Quiet hours whose two ends are the same time (`9:00-09:00`): an empty window. */
export const EMPTY_QUIET_HOURS_PATTERN = '^\\s*0?(\\d{1,2}):(\\d{2})\\s*-\\s*0?\\1:\\2\\s*$';

/** A holdout written as a share below 100%, such as `10%` or `2.5 %`. */
export const HOLDOUT_PATTERN = '^\\s*0*\\d{1,2}(?:\\.\\d+)?\\s*%\\s*$';
