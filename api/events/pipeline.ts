/**
 * From a validated event to a routed one: store (group commit; idempotent on source + key), apply the
 * profile effects, route, close the outbox row (group commit too). Whatever fails after the event is
 * stored leaves the row pending; the outbox (api/events/outbox.ts) or the client's retry finishes it.
 */
import type { Logger } from 'pino';
import { findProfile, type Profile } from '../../store/customers.js';
import {
  claimEvent,
  completeRoutings,
  deferRouting,
  eventIdFor,
  findEventByKey,
  insertEvents,
  pendingRoute,
  settledRoute,
  type EventRow,
  type StoredPatch,
} from '../../store/events.js';
import type { Models } from '../../store/connection.js';
import { createCustomerRegistry } from './customer-registry.js';
import { applyEventEffects, WELL_KNOWN_EVENTS } from './effects.js';
import { createGroupCommit, writeSplitting } from './group-commit.js';
import { isOutage } from '../http/errors.js';
import type { Metrics } from '../http/metrics.js';
import { createOutbox, type Outbox } from './outbox.js';
import { checkSameRequest } from './idempotency.js';
import { RoutingError, type EventRouter, type JourneyAction, type RouteOutcome } from './event-router.js';
import { routeInOrder } from './route-in-order.js';

/** An event ready to store: validated, with its profile patch converted. */
export interface AcceptedEvent {
  source: string;
  idempotencyKey: string;
  type: string;
  customerId: string;
  occurredAt: Date;
  properties: Record<string, unknown>;
  profile: StoredPatch | null;
  /** sha256 of the canonical event (api/events/idempotency.ts): a reused key with another body is refused. */
  bodyHash?: string;
  /** The API key that sent it: another key reusing the (source, idempotency key) is refused. */
  keyId?: string;
}

type Journeys = RouteOutcome['journeys'];
export type EventResult =
  | { eventId: string; status: RouteOutcome['status']; journeys: Journeys }
  | { eventId: string; status: 'pending'; journeys: []; error?: { code: string; message: string } }
  | { eventId: string; status: 'duplicate'; journeys: []; first: { status: string; journeys: Journeys } };

export interface EventPipeline extends Outbox {
  /**
   * Stores and routes one event (through group commit). Throws when it could not be stored; a stored
   * event whose routing failed is answered `pending` (the outbox routes it later).
   */
  acceptOne(event: AcceptedEvent): Promise<EventResult>;
  /**
   * Stores events in one write, then routes them: customers concurrently, each customer's events in
   * order. Items not routed by the batch deadline answer `pending`; their routing goes on in the
   * background (and, should this process stop, from the outbox once their lease runs out).
   */
  acceptMany(events: AcceptedEvent[]): Promise<(EventResult | { error: unknown })[]>;
  /** Stores events in one write and answers; routing follows in the background (LINE's webhook). */
  storeThenRoute(events: AcceptedEvent[]): Promise<('inserted' | 'duplicate')[]>;
  /** Resolves when background routing started by {@link storeThenRoute} has finished (tests). */
  idle(): Promise<void>;
  /** Routes an event stored by someone else (e.g. the unsubscribe page) by its source and key. */
  routeStored(source: string, idempotencyKey: string): Promise<RouteOutcome | null>;
  /** Forgets that a customer exists (after erasure), so the next event creates the profile again. */
  forgetCustomer(customerId: string): void;
}

export function createEventPipeline(deps: {
  models: Models;
  eventRouter: EventRouter;
  metrics: Metrics;
  logger: Logger;
  clock?: () => number;
  leaseMs?: number;
  /** Customers a batch routes at the same time. @default 16 */
  batchConcurrency?: number;
  /** A batch answers within this many ms of its arrival; what is not routed by then answers `pending`. @default 5000 */
  batchDeadlineMs?: number;
}): EventPipeline {
  const { models, metrics, logger } = deps;
  const clock = deps.clock ?? Date.now;
  const leaseMs = deps.leaseMs ?? 30_000;
  const batchDeadlineMs = deps.batchDeadlineMs ?? 5_000;
  const insertRows = (rows: EventRow[]) => insertEvents(models, rows);
  // A refusal that is not an outage is some item's fault (e.g. a key the store cannot hold): split it out.
  const itemFault = (err: unknown) => !isOutage(err);
  const inserts = createGroupCommit(insertRows, { splitOn: itemFault });
  const completions = createGroupCommit(async (done: { eventId: string; result: unknown }[]) => {
    await completeRoutings(models, done, clock());
    return done.map(() => undefined);
  });
  const customers = createCustomerRegistry(models);
  const background = new Set<Promise<unknown>>();

  const IGNORED: RouteOutcome = { status: 'ignored', journeys: [] };
  const toRow = (event: AcceptedEvent, settled = false): EventRow => {
    const now = clock();
    const eventId = eventIdFor(event.source, event.idempotencyKey);
    const route = settled ? settledRoute(now, IGNORED) : pendingRoute(now, leaseMs);
    return { eventId, ...event, receivedAt: new Date(now), route };
  };
  const firstTouchOf = (event: Pick<AcceptedEvent, 'customerId' | 'source'> & { profile?: StoredPatch | null }) => {
    const given = event.profile?.find((p) => p.path === 'acquisitionSource')?.value;
    return { customerId: event.customerId, acquisitionSource: typeof given === 'string' ? given : event.source };
  };

  /**
   * Whether the event needs no routing: no journey listens to its type and it changes no profile field.
   * Such an event is stored already settled, after its customer is ensured: one write, no outbox work.
   */
  async function settlesAtOnce(event: AcceptedEvent): Promise<boolean> {
    if ((event.profile?.length ?? 0) > 0 || WELL_KNOWN_EVENTS.has(event.type)) return false;
    return deps.eventRouter.isIgnored(event.type);
  }

  /** Creates an unknown customer (first touch: the event's source, or the patch's), then the profile effects. */
  async function applyEffects(row: EventRow): Promise<void> {
    const { acquisitionSource } = firstTouchOf(row);
    await customers.ensure(row.customerId, acquisitionSource);
    if ((row.profile?.length ?? 0) > 0 || WELL_KNOWN_EVENTS.has(row.type)) await applyEventEffects(models, row);
  }

  /** Routes an event whose lease this process holds; `bulk` when it came in a batch. */
  async function processClaimed(row: EventRow, bulk = false): Promise<RouteOutcome> {
    const stopTimer = metrics.routingSeconds.startTimer();
    let applied = row.route.profileApplied;
    try {
      if (!applied) await applyEffects(row);
      applied = true;
      let profile: Promise<Profile | null> | null = null;
      const loadProfile = () => (profile ??= findProfile(models, row.customerId));
      const done = row.route.partialJson ? (JSON.parse(row.route.partialJson) as Record<string, JourneyAction>) : {};
      const outcome = await deps.eventRouter.route(row, loadProfile, done, { bulk });
      await completions.submit({ eventId: row.eventId, result: outcome });
      outbox.settled(row.eventId);
      return outcome;
    } catch (err) {
      metrics.routingRetries.inc();
      const retryAtMs = clock() + Math.min(30_000, 1_000 * 2 ** Math.min(row.route.attempts, 5));
      outbox.retryAt(row.eventId, retryAtMs);
      const partial = err instanceof RoutingError ? err.done : undefined;
      // When MongoDB itself is down this write fails too; the lease running out then does the same job.
      await deferRouting(models, row.eventId, {
        error: String((err as Error)?.message ?? err),
        retryAtMs,
        partial,
        profileApplied: applied,
        attempts: row.route.attempts,
      }).catch(() => undefined);
      throw err instanceof RoutingError ? err.cause : err;
    } finally {
      stopTimer();
    }
  }

  const outbox = createOutbox({ models, logger, clock, leaseMs, process: processClaimed });

  /** The answer to a repeated (source, key): the first routing's result, finishing it when it is pending. */
  async function duplicateResult(event: AcceptedEvent): Promise<EventResult> {
    metrics.eventsAccepted.inc({ result: 'duplicate' });
    let row = await findEventByKey(models, event.source, event.idempotencyKey);
    if (!row) throw new Error('duplicate event vanished (erased meanwhile?)');
    checkSameRequest(row, event, event);
    if (row.route.state === 'pending') {
      const claimed = await claimEvent(models, row.eventId, clock(), leaseMs);
      if (claimed) await processClaimed(claimed);
      // Read again either way: a claim also loses to a routing that finished after the read above, and
      // then the stored result, not `pending`, is the answer.
      row = (await findEventByKey(models, event.source, event.idempotencyKey)) ?? row;
      if (row.route.state === 'pending') return { eventId: row.eventId, status: 'pending', journeys: [] };
    }
    const first = JSON.parse(row.route.resultJson ?? '{"status":"pending","journeys":[]}') as RouteOutcome;
    return { eventId: row.eventId, status: 'duplicate', journeys: [], first };
  }

  async function acceptOne(event: AcceptedEvent): Promise<EventResult> {
    const settled = await settlesAtOnce(event);
    if (settled) await customers.ensure(event.customerId, firstTouchOf(event).acquisitionSource);
    const row = toRow(event, settled);
    if ((await inserts.submit(row)) === 'duplicate') return duplicateResult(event);
    metrics.eventsAccepted.inc({ result: 'stored' });
    if (settled) return { eventId: row.eventId, ...IGNORED };
    try {
      return { eventId: row.eventId, ...(await processClaimed(row)) };
    } catch (err) {
      // Stored, and left in the outbox, which routes it once the dependency is back: say so (202).
      logger.warn({ eventId: row.eventId, err: describe(err) }, 'routing deferred');
      return { eventId: row.eventId, status: 'pending', journeys: [], error: PENDING_ERROR };
    }
  }

  /** Keeps a piece of work that outlives its request, so {@link EventPipeline.idle} can wait for it. */
  function keep(work: Promise<unknown>): void {
    background.add(work);
    void work.finally(() => background.delete(work));
  }

  async function acceptMany(events: AcceptedEvent[]) {
    const deadlineAt = performance.now() + batchDeadlineMs;
    const settled = await Promise.all(events.map(settlesAtOnce));
    await customers.ensureMany(events.filter((_, i) => settled[i]).map(firstTouchOf));
    const rows = events.map((event, i) => toRow(event, settled[i]));
    const outcomes = await writeSplitting(insertRows, rows, itemFault);
    // The store is down: the whole batch answers 503, as before any item could be judged.
    const outage = outcomes.find((o) => 'error' in o && isOutage(o.error));
    if (outage && 'error' in outage) throw outage.error;
    const stored = outcomes.map((o) => ('ok' in o ? o.ok : 'failed'));
    const results: (EventResult | { error: unknown })[] = new Array<EventResult>(rows.length);
    outcomes.forEach((o, i) => {
      if ('error' in o) results[i] = { error: o.error };
    });
    metrics.eventsAccepted.inc({ result: 'stored' }, stored.filter((s) => s === 'inserted').length);
    const index = new Map(rows.map((row, i) => [row, i]));
    rows.forEach((row, i) => {
      if (settled[i] && stored[i] === 'inserted') results[i] = { eventId: row.eventId, ...IGNORED };
    });
    const toRoute = rows.filter((_, i) => stored[i] === 'inserted' && !settled[i]);
    const routing = await routeInOrder(
      toRoute,
      async (row) => {
        const i = index.get(row)!;
        try {
          results[i] = { eventId: row.eventId, ...(await processClaimed(row, true)) };
        } catch (err) {
          logger.warn({ eventId: row.eventId, err: describe(err) }, 'routing deferred');
          results[i] = { eventId: row.eventId, status: 'pending', journeys: [], error: PENDING_ERROR };
        }
      },
      { concurrency: deps.batchConcurrency, deadlineMs: deadlineAt - performance.now() },
    );
    // Past the deadline the request is answered; the rest of the batch keeps its order in the background.
    if (!routing.finished) keep(routing.work);
    const answer = results.slice();
    for (const row of toRoute) {
      const i = index.get(row)!;
      answer[i] ??= { eventId: row.eventId, status: 'pending', journeys: [] };
    }
    // Duplicates last, so a repeat inside this batch reports the result of its first occurrence.
    for (const [i, state] of stored.entries()) {
      if (state === 'duplicate') answer[i] = await duplicateResult(events[i]!).catch((error: unknown) => ({ error }));
    }
    return answer;
  }

  async function storeThenRoute(events: AcceptedEvent[]) {
    const rows = events.map((event) => toRow(event));
    const stored = await insertEvents(models, rows);
    const inserted = rows.filter((_, i) => stored[i] === 'inserted');
    metrics.eventsAccepted.inc({ result: 'stored' }, inserted.length);
    metrics.eventsAccepted.inc({ result: 'duplicate' }, rows.length - inserted.length);
    const routing = routeInOrder(inserted, (row) =>
      processClaimed(row).then(
        () => undefined,
        (err: unknown) => logger.warn({ eventId: row.eventId, err: describe(err) }, 'routing deferred'),
      ),
    );
    keep(routing.then((r) => r.work));
    return stored;
  }

  return {
    ...outbox,
    acceptOne,
    acceptMany,
    storeThenRoute,
    async idle() {
      while (background.size > 0) await Promise.all(background);
    },
    async routeStored(source, idempotencyKey) {
      const claimed = await claimEvent(models, eventIdFor(source, idempotencyKey), clock(), leaseMs);
      return claimed ? processClaimed(claimed) : null;
    },
    forgetCustomer(customerId) {
      customers.forget(customerId);
    },
  };
}

/** What a stored event whose routing was deferred tells the client (never the dependency's own error text). */
const PENDING_ERROR = {
  code: 'DEPENDENCY_UNAVAILABLE',
  message: 'The event is stored; routing it waits for a dependency (Temporal or MongoDB) and is retried by the outbox.',
};

export function describe(err: unknown): { code: string; message: string } {
  return { code: 'DEPENDENCY_UNAVAILABLE', message: err instanceof Error ? err.message : String(err) };
}
