/**
 * Timeline rows (store/timeline.ts) as the API shows them: one item per event, journal row or
 * delivery row, each with a `category` that says what it means to a marketer reading the story.
 */
import type { TimelineRow } from '../../store/timeline.js';

/** What a timeline item tells: the closed list a client may switch on. */
export type TimelineCategory =
  'purchase' | 'inquiry' | 'line-message' | 'line-postback' | 'consent' | 'route' | 'event' | 'journey' | 'message';

/** One item of a customer's timeline. `id` is unique in the timeline; `at` is ISO 8601 UTC. */
export interface TimelineItem {
  id: string;
  at: string;
  kind: TimelineRow['source'];
  category: TimelineCategory;
  [field: string]: unknown;
}

/** Event types with a category of their own; other types are `event`. */
const EVENT_CATEGORIES: Record<string, TimelineCategory> = {
  'order.completed': 'purchase',
  'inquiry.created': 'inquiry',
  'line.message': 'line-message',
  'line.postback': 'line-postback',
  'line.followed': 'consent',
  'line.unfollowed': 'consent',
  'line.route.arrived': 'route',
};

/** Journal actions that are consent changes rather than journey steps. */
const CONSENT_ACTIONS = new Set(['unsubscribed']);

type Patch = { path: string; value: unknown }[] | null | undefined;

/** An event's category: by type, else `consent` when its inline profile patch changes consent. */
function eventCategory(type: string, patch: Patch): TimelineCategory {
  const byType = EVENT_CATEGORIES[type];
  if (byType) return byType;
  if (patch?.some((p) => p.path === 'consent' || p.path.startsWith('consent.'))) return 'consent';
  return 'event';
}

/** The consent changes an inline profile patch carries, as `{ "consent.line": "blocked" }`. */
function consentChanges(patch: Patch): Record<string, unknown> | undefined {
  const changes = (patch ?? []).filter((p) => p.path.startsWith('consent.'));
  return changes.length > 0 ? Object.fromEntries(changes.map((p) => [p.path, p.value])) : undefined;
}

const orNull = (value: unknown) => value ?? null;

/** A timeline row as its API item. */
export function toTimelineItem(row: TimelineRow): TimelineItem {
  const d = row.doc;
  const base = { id: row.key, at: new Date(row.atMs).toISOString(), kind: row.source };
  switch (row.source) {
    case 'event': {
      const patch = d.profile as Patch;
      const consent = consentChanges(patch);
      return {
        ...base,
        category: eventCategory(String(d.type), patch),
        type: d.type,
        eventId: d.eventId,
        source: d.source,
        properties: d.properties ?? {},
        ...(consent ? { consent } : {}),
      };
    }
    case 'journal':
      return {
        ...base,
        category: CONSENT_ACTIONS.has(String(d.action)) ? 'consent' : 'journey',
        journeyId: d.journeyId,
        version: d.version,
        stepId: orNull(d.stepId),
        stepKind: orNull(d.stepKind),
        action: d.action,
        reason: orNull(d.reason),
        detail: d.detail ?? {},
      };
    case 'delivery':
      return {
        ...base,
        category: 'message',
        journeyId: d.journeyId,
        version: d.version,
        stepId: d.stepId,
        template: d.template,
        channel: orNull(d.channel),
        status: d.status,
        reason: orNull(d.reason),
        sentAt: d.sentAt instanceof Date ? d.sentAt.toISOString() : null,
      };
  }
}
