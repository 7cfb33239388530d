/**
 * The rows of one customer's timeline: events, journal rows and delivery rows, newest first, read a
 * page at a time. Every query narrows by the customer first, an equality FerretDB pushes down to an
 * index (`customerId` is indexed in all three collections); the time bound, the sort and the limit are
 * applied by FerretDB to that customer's rows only (it pushes none of them down), and by the compound
 * `customerId` + time indexes on MongoDB. So a page costs what the customer's own history holds,
 * whatever the size of the collections.
 *
 * Paging is by position `(atMs, key)`: a page asks each source for the `limit` rows strictly older
 * than `atMs`, plus every row at exactly `atMs` (an equality, pushed down), so rows sharing a
 * millisecond are neither lost nor repeated across pages.
 */
import type { Models } from './models/index.js';

/** Where a page starts: strictly after this position, newest first. `key` breaks ties within a millisecond. */
export interface TimelinePosition {
  atMs: number;
  key: string;
}

/** One row of a source, with its position. */
export interface TimelineRow {
  source: 'event' | 'journal' | 'delivery';
  key: string;
  atMs: number;
  doc: Record<string, unknown>;
}

interface SourceQuery {
  source: TimelineRow['source'];
  model: 'Event' | 'JournalRow' | 'Delivery';
  timeField: string;
  idField: string;
  projection: Record<string, 0 | 1>;
}

const SOURCES: SourceQuery[] = [
  {
    source: 'event',
    model: 'Event',
    timeField: 'occurredAt',
    idField: 'eventId',
    projection: { _id: 0, eventId: 1, type: 1, source: 1, occurredAt: 1, properties: 1, profile: 1 },
  },
  {
    source: 'journal',
    model: 'JournalRow',
    timeField: 'at',
    idField: 'rowId',
    projection: {
      _id: 0,
      rowId: 1,
      journeyId: 1,
      version: 1,
      stepId: 1,
      stepKind: 1,
      action: 1,
      reason: 1,
      detail: 1,
      at: 1,
    },
  },
  {
    source: 'delivery',
    model: 'Delivery',
    timeField: 'createdAt',
    idField: '_id',
    projection: {
      _id: 1,
      journeyId: 1,
      version: 1,
      stepId: 1,
      template: 1,
      channel: 1,
      status: 1,
      reason: 1,
      sentAt: 1,
      createdAt: 1,
    },
  },
];

/** The order of a timeline: newer first, then by key (descending), so every row has one place. */
export function compareTimeline(a: TimelinePosition, b: TimelinePosition): number {
  if (a.atMs !== b.atMs) return b.atMs - a.atMs;
  return a.key < b.key ? 1 : a.key > b.key ? -1 : 0;
}

type Lean = Record<string, unknown>;

async function readSource(
  models: Models,
  q: SourceQuery,
  customerId: string,
  query: { after: TimelinePosition | null; limit: number },
): Promise<TimelineRow[]> {
  const model = models[q.model] as unknown as {
    find(filter: object, projection: object): { sort(s: object): { limit(n: number): { lean(): Promise<Lean[]> } } };
  };
  const sort = { [q.timeField]: -1 };
  const { after, limit } = query;
  const older = after ? { [q.timeField]: { $lt: new Date(after.atMs) } } : {};
  const docs = await model
    .find({ customerId, ...older }, q.projection)
    .sort(sort)
    .limit(limit + 1)
    .lean();
  if (after) {
    const ties = await model
      .find({ customerId, [q.timeField]: new Date(after.atMs) }, q.projection)
      .sort(sort)
      .limit(10_000)
      .lean();
    docs.push(...ties);
  }
  return docs.map((doc) => ({
    source: q.source,
    key: `${q.source}:${String(doc[q.idField])}`,
    atMs: (doc[q.timeField] as Date).getTime(),
    doc,
  }));
}

/**
 * Up to `limit` rows of the customer's timeline strictly after `after` (null = from the newest),
 * newest first, and whether more follow.
 */
export async function readTimelineRows(
  models: Models,
  customerId: string,
  query: { after: TimelinePosition | null; limit: number },
): Promise<{ rows: TimelineRow[]; more: boolean }> {
  const read = await Promise.all(SOURCES.map((q) => readSource(models, q, customerId, query)));
  const { after, limit } = query;
  const candidates = read
    .flat()
    .filter((row) => after === null || compareTimeline(after, row) < 0)
    .sort(compareTimeline);
  return { rows: candidates.slice(0, limit), more: candidates.length > limit };
}
