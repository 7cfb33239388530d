/**
 * `GET /v1/customers/:id/timeline?before&limit`: one customer's story, newest first — events,
 * journey entries and steps, messages with their channel and status, consent and route changes.
 * `before` is either the `next` cursor of the previous page or an ISO 8601 time (items strictly older).
 */
import { Router } from 'express';
import { z } from 'zod';
import { findProfile } from '../../store/customers.js';
import type { Models } from '../../store/connection.js';
import { readTimelineRows, type TimelinePosition } from '../../store/timeline.js';
import type { Auth } from '../http/auth.js';
import { ApiError } from '../http/errors.js';
import { parseOrThrow } from '../http/validate.js';
import { CUSTOMER_ID } from './routes.js';
import { toTimelineItem, type TimelineItem } from './timeline-items.js';

/** Items a page holds when `limit` is not given, and at most. */
export const TIMELINE_LIMITS = { default: 50, max: 200 } as const;

const CURSOR_PREFIX = 'c1.';

/** The query string of a timeline request. */
export const timelineQuery = z.object({
  before: z.string().min(1).max(500).optional().meta({
    description: 'The `next` cursor of the previous page, or an ISO 8601 time: only older items.',
  }),
  limit: z.coerce.number().int().min(1).max(TIMELINE_LIMITS.max).default(TIMELINE_LIMITS.default),
});

/** A page of the timeline; `next` is null on the last page. */
export interface TimelinePage {
  customerId: string;
  items: TimelineItem[];
  next: string | null;
}

/** The cursor that resumes after `position` (opaque to clients). */
export function encodeCursor(position: TimelinePosition): string {
  return CURSOR_PREFIX + Buffer.from(JSON.stringify([position.atMs, position.key])).toString('base64url');
}

/** Reads `before`: a cursor from {@link encodeCursor}, or a time (every item strictly older). Throws 400 otherwise. */
export function parseBefore(before: string): TimelinePosition {
  if (before.startsWith(CURSOR_PREFIX)) {
    try {
      const [atMs, key] = JSON.parse(Buffer.from(before.slice(CURSOR_PREFIX.length), 'base64url').toString()) as [
        unknown,
        unknown,
      ];
      if (Number.isSafeInteger(atMs) && typeof key === 'string') return { atMs: atMs as number, key };
    } catch {
      // Falls through to the error below: a damaged cursor is the client's mistake.
    }
    throw badBefore('is not a cursor this API returned');
  }
  const atMs = Date.parse(before);
  if (!/^\d{4}-\d{2}-\d{2}/.test(before) || Number.isNaN(atMs)) throw badBefore('is neither a cursor nor a time');
  // An empty key sorts after every real key at the same millisecond: that millisecond is excluded too.
  return { atMs, key: '' };
}

const badBefore = (why: string) =>
  new ApiError(400, 'VALIDATION_FAILED', `"before" ${why}.`, {
    problems: [{ path: 'before', code: 'invalid_cursor', message: `"before" ${why}.` }],
  });

/** One page of a customer's timeline; throws CUSTOMER_NOT_FOUND when no such customer. */
export async function readTimeline(
  models: Models,
  customerId: string,
  query: { before?: string; limit: number },
): Promise<TimelinePage> {
  const after = query.before === undefined ? null : parseBefore(query.before);
  if (!(await findProfile(models, customerId))) {
    throw new ApiError(404, 'CUSTOMER_NOT_FOUND', 'No customer with this id.');
  }
  const { rows, more } = await readTimelineRows(models, customerId, { after, limit: query.limit });
  const last = rows.at(-1);
  return {
    customerId,
    items: rows.map(toTimelineItem),
    next: more && last ? encodeCursor({ atMs: last.atMs, key: last.key }) : null,
  };
}

/** The timeline route; mounted beside the customer routes (same id rule). */
export function timelineRouter(deps: { models: Models; auth: Auth }): Router {
  const router = Router();
  router.param('id', (_req, _res, next, id: string) => {
    next(CUSTOMER_ID.test(id) ? undefined : new ApiError(400, 'VALIDATION_FAILED', 'Not a valid customer id.'));
  });
  router.get('/v1/customers/:id/timeline', deps.auth.require('customers:read'), (req, res, next) => {
    const query = parseOrThrow(timelineQuery, req.query);
    readTimeline(deps.models, String(req.params.id), query)
      .then((page) => res.json(page))
      .catch(next);
  });
  return router;
}
