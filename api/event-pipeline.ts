/**
 * From a validated event to a routed one: store (group commit; idempotent on source + key), apply the
 * profile effects, route, close the outbox row. Whatever fails after the event is stored leaves the row
 * pending, and the outbox loop (or the client's retry) finishes it; routing is never skipped.
 */
import type { Logger } from 'pino';
import { findProfile } from '../store/customers.js';
import {
  claimEvent,
  completeRouting,
  deferRouting,
  findDueEvents,
  findEventByKey,
  insertEvents,
  markProfileApplied,
  newEventId,
  pendingRoute,
  type EventRow,
  type StoredPatch,
} from '../store/events.js';
import type { Models } from '../store/models/index.js';
import { applyEventEffects } from './event-effects.js';
import { createGroupCommit } from './group-commit.js';
import type { Metrics } from './metrics.js';
import { RoutingError, type EventRouter, type JourneyAction, type RouteOutcome } from './router.js';

/** An event ready to store: validated, with its profile patch converted. */
export interface AcceptedEvent {
  source: string;
  idempotencyKey: string;
  type: string;
  customerId: string;
  occurredAt: Date;
  properties: Record<string, unknown>;
  profile: StoredPatch | null;
}

export type EventResult =
  | ({ eventId: string; status: RouteOutcome['status'] } & Pick<RouteOutcome, 'journeys'>)
  | { eventId: string; status: 'pending'; journeys: []; error?: { code: string; message: string } }
  | {
      eventId: string;
      status: 'duplicate';
      journeys: [];
      first: { status: string; journeys: RouteOutcome['journeys'] };
    };

export interface EventPipeline {
  /** Stores and routes one event (through group commit). Throws when it could not be stored or routed. */
  acceptOne(event: AcceptedEvent): Promise<EventResult>;
  /** Stores events in one write, then routes each customer's events in order. */
  acceptMany(events: AcceptedEvent[]): Promise<(EventResult | { error: unknown })[]>;
  /**
   * Stores events in one write and answers at once; routing follows in the background (the outbox
   * retries what fails). For callers that must answer fast, such as LINE's webhook.
   */
  storeThenRoute(events: AcceptedEvent[]): Promise<('inserted' | 'duplicate')[]>;
  /** Resolves when the background routing started by {@link storeThenRoute} has finished (tests). */
  idle(): Promise<void>;
  /** Routes what is due in the outbox once; returns how many events were finished. */
  drainOutbox(limit?: number): Promise<number>;
  startOutbox(intervalMs?: number): void;
  stopOutbox(): Promise<void>;
}

export function createEventPipeline(deps: {
  models: Models;
  router: EventRouter;
  metrics: Metrics;
  logger: Logger;
  clock?: () => number;
  leaseMs?: number;
}): EventPipeline {
  const { models, metrics, logger } = deps;
  const clock = deps.clock ?? Date.now;
  const leaseMs = deps.leaseMs ?? 30_000;
  const group = createGroupCommit((rows: EventRow[]) => insertEvents(models, rows));
  let timer: NodeJS.Timeout | null = null;
  let draining: Promise<number> | null = null;

  const toRow = (event: AcceptedEvent): EventRow => {
    const now = clock();
    return { eventId: newEventId(now), ...event, receivedAt: new Date(now), route: pendingRoute(now, leaseMs) };
  };

  /** Routes an event whose lease this process holds. */
  async function processClaimed(row: EventRow): Promise<RouteOutcome> {
    const timer = metrics.routingSeconds.startTimer();
    try {
      if (!row.route.profileApplied) {
        await applyEventEffects(models, row);
        await markProfileApplied(models, row.eventId);
      }
      const profile = await findProfile(models, row.customerId);
      const done = row.route.partialJson ? (JSON.parse(row.route.partialJson) as Record<string, JourneyAction>) : {};
      const outcome = await deps.router.route(row, profile, done);
      await completeRouting(models, row.eventId, outcome, clock());
      return outcome;
    } catch (err) {
      metrics.routingRetries.inc();
      const backoffMs = Math.min(30_000, 1_000 * 2 ** Math.min(row.route.attempts, 5));
      const partial = err instanceof RoutingError ? err.done : undefined;
      // When MongoDB itself is down this write fails too; the lease running out then does the same job.
      await deferRouting(models, row.eventId, {
        error: String((err as Error)?.message ?? err),
        retryAtMs: clock() + backoffMs,
        partial,
      }).catch(() => undefined);
      throw err instanceof RoutingError ? err.cause : err;
    } finally {
      timer();
    }
  }

  /** The answer to a repeated (source, key): the first routing's result, finishing it when it is pending. */
  async function duplicateResult(event: AcceptedEvent): Promise<EventResult> {
    metrics.eventsAccepted.inc({ result: 'duplicate' });
    let row = await findEventByKey(models, event.source, event.idempotencyKey);
    if (!row) throw new Error('duplicate event vanished (erased meanwhile?)');
    if (row.route.state === 'pending') {
      const claimed = await claimEvent(models, row.eventId, clock(), leaseMs);
      if (!claimed) return { eventId: row.eventId, status: 'pending', journeys: [] };
      await processClaimed(claimed);
      row = (await findEventByKey(models, event.source, event.idempotencyKey)) ?? row;
    }
    const first = JSON.parse(row.route.resultJson ?? '{"status":"pending","journeys":[]}') as RouteOutcome;
    return { eventId: row.eventId, status: 'duplicate', journeys: [], first };
  }

  async function acceptOne(event: AcceptedEvent): Promise<EventResult> {
    const row = toRow(event);
    const stored = await group.submit(row);
    if (stored === 'duplicate') return duplicateResult(event);
    metrics.eventsAccepted.inc({ result: 'stored' });
    const outcome = await processClaimed(row);
    return { eventId: row.eventId, ...outcome };
  }

  async function acceptMany(events: AcceptedEvent[]) {
    const rows = events.map(toRow);
    const stored = await insertEvents(models, rows);
    const results: (EventResult | { error: unknown })[] = new Array<EventResult>(rows.length);
    // Each customer's events in the order sent (an exit after an entry must arrive after it); customers in parallel.
    const byCustomer = new Map<string, number[]>();
    rows.forEach((row, i) => {
      if (stored[i] === 'inserted') byCustomer.set(row.customerId, [...(byCustomer.get(row.customerId) ?? []), i]);
    });
    metrics.eventsAccepted.inc({ result: 'stored' }, stored.filter((s) => s === 'inserted').length);
    await mapLimit([...byCustomer.values()], 16, async (indices) => {
      for (const i of indices) {
        const row = rows[i]!;
        try {
          results[i] = { eventId: row.eventId, ...(await processClaimed(row)) };
        } catch (err) {
          results[i] = { eventId: row.eventId, status: 'pending', journeys: [], error: describe(err) };
        }
      }
    });
    // Duplicates last, so a repeat inside this batch reports the result of its first occurrence.
    for (const [i, state] of stored.entries()) {
      if (state !== 'duplicate') continue;
      try {
        results[i] = await duplicateResult(events[i]!);
      } catch (err) {
        results[i] = { error: err };
      }
    }
    return results;
  }

  const background = new Set<Promise<unknown>>();
  async function storeThenRoute(events: AcceptedEvent[]) {
    const rows = events.map(toRow);
    const stored = await insertEvents(models, rows);
    const inserted = rows.filter((_, i) => stored[i] === 'inserted');
    metrics.eventsAccepted.inc({ result: 'stored' }, inserted.length);
    metrics.eventsAccepted.inc({ result: 'duplicate' }, rows.length - inserted.length);
    const work = (async () => {
      for (const row of inserted) {
        await processClaimed(row).catch((err: unknown) =>
          logger.warn({ eventId: row.eventId, err: describe(err) }, 'routing deferred'),
        );
      }
    })();
    background.add(work);
    void work.finally(() => background.delete(work));
    return stored;
  }

  async function drainOutbox(limit = 100): Promise<number> {
    let finished = 0;
    for (const eventId of await findDueEvents(models, clock(), limit)) {
      const claimed = await claimEvent(models, eventId, clock(), leaseMs);
      if (!claimed) continue;
      try {
        await processClaimed(claimed);
        finished += 1;
      } catch (err) {
        logger.warn({ eventId, err: describe(err) }, 'routing deferred');
      }
    }
    return finished;
  }

  return {
    acceptOne,
    acceptMany,
    storeThenRoute,
    async idle() {
      while (background.size > 0) await Promise.all(background);
    },
    drainOutbox,
    startOutbox(intervalMs = 1_000) {
      if (timer) return;
      timer = setInterval(() => {
        if (draining) return;
        draining = drainOutbox()
          .catch((err: unknown) => {
            logger.warn({ err: describe(err) }, 'outbox pass failed');
            return 0;
          })
          .finally(() => (draining = null));
      }, intervalMs);
      timer.unref();
    },
    async stopOutbox() {
      if (timer) clearInterval(timer);
      timer = null;
      await draining;
    },
  };
}

function describe(err: unknown): { code: string; message: string } {
  return { code: 'DEPENDENCY_UNAVAILABLE', message: err instanceof Error ? err.message : String(err) };
}

async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
