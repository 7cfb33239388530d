/**
 * The words of the journey language that its steps and its header share: durations, step ids, event
 * types, conditions, channels and weekdays (definitions/schema.ts assembles the language).
 */
import { z } from 'zod';
import { DURATION_PATTERN } from './durations.js';
import * as P from './patterns.js';

/** A duration field, as every step and setting writes it. */
export const duration = z.string().meta({
  description: 'A duration: 45m, 3h, 3d, 2w, 1h30m, or ISO 8601 (P3D, PT1H).',
  pattern: DURATION_PATTERN,
  patternErrorMessage: 'write a duration above zero: 45m, 3h, 3d, 2w, or ISO 8601 such as P3D (no months or years)',
});
/** A step's `id`. */
export const stepId = z.string().meta({
  title: 'Step id',
  description: 'Stable step id (letters, digits, - _ .); give one to every send.',
  pattern: P.STEP_ID.source,
  patternErrorMessage: 'a step id has letters, digits, -, _ and . only',
});
/** An event type field. */
export const eventName = z.string().meta({
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

/** The channels a `send` step names. */
export const SEND_CHANNELS = ['email', 'line', 'preferred'] as const;
/** The channels a message is delivered on (a `send`'s fallback). */
export const DELIVERY_CHANNELS = ['email', 'line'] as const;
/** The days of the week of `wait_until.weekdays`. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** An event with an optional `where` (a repeat's `until`). */
export const eventMatchSchema = z
  .strictObject({
    event: eventName,
    where: conditionSchema.optional().meta({ description: 'Only events (and customers) matching this query.' }),
  })
  .meta({ description: 'An event, written as { event: order.completed } with an optional where.' });
