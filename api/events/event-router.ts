/**
 * The event router: the only module of the API that causes Temporal calls. It keeps an index
 * "event type -> journeys listening (entry, exit, goal, wait_for, repeat until)" built from the plans'
 * `listens`, and routes a stored event with one runtime call per interested journey: an entry whose
 * `where` matches enters (`enterJourney`); any other listener gets a `customerEvent` signal on the
 * deterministic workflow id. Uninterested journeys cost nothing, and there is no visibility query.
 *
 * Consistency across API processes: the index is rebuilt whenever the journeys' heads change, which
 * each process checks with one small read at most every `refreshMs` (default 1 s); a process that
 * publishes, pauses, resumes or archives invalidates its own index at once.
 */
import { evaluateCondition } from '../../definitions/conditions.js';
import type { Condition, JsonValue, ListenReason, Plan } from '../../definitions/plan.js';
import type { Profile } from '../../store/customers.js';
import type { Models } from '../../store/connection.js';
import { headsFingerprint, listHeads, listVersions, loadVersion } from '../journeys/catalog.js';
import type { Metrics } from '../http/metrics.js';
import type { CustomerEvent, RuntimePort } from '../ports.js';

/** What routing did for one journey. */
export type JourneyAction = 'entered' | 'signalled' | 'dropped' | 'no-run' | 'not-matched' | 'inactive';

export interface RouteOutcome {
  status: 'entered' | 'signalled' | 'ignored';
  journeys: { journeyId: string; action: JourneyAction }[];
}

/** An event to route: a stored event's id, type, time and properties. */
export interface RoutableEvent {
  eventId: string;
  type: string;
  customerId: string;
  occurredAt: Date;
  properties: Record<string, unknown>;
}

interface Listener {
  journeyId: string;
  /** The entry filter of the current version when the journey enters on this event. */
  entry: { where: Condition | null } | null;
  /** Whether runs (of any version not archived) wait for this event otherwise. */
  signals: boolean;
  /** Top-level event properties the journey's conditions read. */
  fields: string[];
}

/** Thrown when routing failed part-way: `done` holds the journeys already handled, for the retry. */
export class RoutingError extends Error {
  constructor(
    readonly done: Record<string, JourneyAction>,
    override readonly cause: unknown,
  ) {
    super(`routing failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'RoutingError';
  }
}

/** How an event is routed. */
export interface RouteOptions {
  /** The event came in bulk (a batch): a run it starts waits behind due work. @default false */
  bulk?: boolean;
}

/** Loads the customer's profile when asked. */
export type ProfileLoader = () => Promise<Profile | null>;

export interface EventRouter {
  /**
   * Routes one event. `profile` is called only when an entry filter needs the profile (once at most).
   * Throws {@link RoutingError} when a runtime call failed, after the other journeys were handled.
   */
  route(
    event: RoutableEvent,
    profile: ProfileLoader,
    done?: Record<string, JourneyAction>,
    opts?: RouteOptions,
  ): Promise<RouteOutcome>;
  /** Whether no journey listens to `type` (then an event of it needs no routing). */
  isIgnored(type: string): Promise<boolean>;
  /** Journeys listening to `type` (for tests and diagnostics). */
  listeners(type: string): Promise<readonly Listener[]>;
  /** Marks the index stale: the next event rebuilds it. */
  invalidate(): void;
}

export function createEventRouter(deps: {
  models: Models;
  runtime: RuntimePort;
  metrics: Metrics;
  refreshMs?: number;
  clock?: () => number;
}): EventRouter {
  const clock = deps.clock ?? Date.now;
  const refreshMs = deps.refreshMs ?? 1_000;
  let index = new Map<string, Listener[]>();
  let fingerprint: string | null = null;
  let checkedAt = Number.NEGATIVE_INFINITY;
  let pending: Promise<void> | null = null;

  async function refresh(): Promise<void> {
    const now = clock();
    const current = await headsFingerprint(deps.models);
    if (current !== fingerprint) {
      index = await buildIndex(deps.models);
      fingerprint = current;
    }
    checkedAt = now;
  }

  async function fresh(): Promise<Map<string, Listener[]>> {
    if (clock() - checkedAt >= refreshMs) {
      // One refresh at a time; concurrent requests wait for the same one.
      pending ??= refresh().finally(() => (pending = null));
      await pending;
    }
    return index;
  }

  return {
    async isIgnored(type) {
      return !(await fresh()).has(type);
    },
    async listeners(type) {
      return (await fresh()).get(type) ?? [];
    },
    invalidate() {
      checkedAt = Number.NEGATIVE_INFINITY;
    },
    async route(event, profile, done = {}, opts = {}) {
      const listeners = (await fresh()).get(event.type) ?? [];
      const results: Record<string, JourneyAction> = { ...done };
      const todo = listeners.filter((l) => results[l.journeyId] === undefined);
      const settled = await Promise.allSettled(
        todo.map(async (l) => {
          results[l.journeyId] = await routeTo(deps, l, event, profile, opts.bulk ?? false);
        }),
      );
      const failure = settled.find((s) => s.status === 'rejected');
      if (failure) throw new RoutingError(results, failure.reason);
      return summarise(listeners.map((l) => ({ journeyId: l.journeyId, action: results[l.journeyId]! })));
    },
  };
}

async function routeTo(
  deps: { runtime: RuntimePort; metrics: Metrics },
  listener: Listener,
  event: RoutableEvent,
  profile: ProfileLoader,
  bulk: boolean,
): Promise<JourneyAction> {
  const signal: CustomerEvent = {
    id: event.eventId,
    type: event.type,
    timeMs: event.occurredAt.getTime(),
    properties: pick(event.properties, listener.fields),
  };
  const target = { journeyId: listener.journeyId, customerId: event.customerId, event: signal };
  if (listener.entry && (await matches(listener.entry.where, event, profile))) {
    const { status } = await deps.runtime.enterJourney({ ...target, bulk });
    deps.metrics.entries.inc({ result: status });
    return status;
  }
  if (!listener.signals) {
    deps.metrics.entries.inc({ result: 'not-matched' });
    return 'not-matched';
  }
  const result = await deps.runtime.signalCustomerEvent(target);
  deps.metrics.signals.inc({ result });
  return result;
}

/** The entry filter sees the profile with the event's properties under `event`, at the event's time. */
async function matches(where: Condition | null, event: RoutableEvent, profile: ProfileLoader): Promise<boolean> {
  if (where === null) return true;
  const doc = { ...((await profile()) ?? {}), event: event.properties };
  return evaluateCondition(where, doc, event.occurredAt.getTime());
}

function pick(properties: Record<string, unknown>, fields: readonly string[]): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  for (const field of fields) {
    if (Object.hasOwn(properties, field)) out[field] = properties[field] as JsonValue;
  }
  return out;
}

function summarise(journeys: RouteOutcome['journeys']): RouteOutcome {
  const status = journeys.some((j) => j.action === 'entered')
    ? 'entered'
    : journeys.some((j) => j.action === 'signalled')
      ? 'signalled'
      : 'ignored';
  return { status, journeys };
}

/**
 * Builds the index from every journey that is not archived: entries from the current version; signals from every version (runs keep the version they entered with).
 */
async function buildIndex(models: Models): Promise<Map<string, Listener[]>> {
  const index = new Map<string, Listener[]>();
  for (const head of await listHeads(models)) {
    if (head.status === 'archived') continue;
    const plans: Plan[] = [];
    let current: Plan | undefined;
    for (const { version } of await listVersions(models, head.journeyId)) {
      const loaded = await loadVersion(models, head.journeyId, version);
      if (loaded) plans.push(loaded.plan);
      if (loaded && version === head.version) current = loaded.plan;
    }
    const types = new Set(plans.flatMap((p) => Object.keys(p.listens)));
    for (const type of types) {
      // A paused journey still takes entries: the runtime starts those runs held until it resumes.
      const listener = toListener(head.journeyId, current, plans, type);
      if (listener) index.set(type, [...(index.get(type) ?? []), listener]);
    }
  }
  return index;
}

function toListener(journeyId: string, current: Plan | undefined, plans: Plan[], type: string): Listener | null {
  const nonEntry = (reasons: ListenReason[] | undefined) => (reasons ?? []).some((r) => r !== 'entry');
  const entryPlan = current?.entry;
  const entry =
    entryPlan?.type === 'event' && entryPlan.event === type && current?.listens[type]?.includes('entry')
      ? { where: entryPlan.where }
      : null;
  const signals = plans.some((p) => nonEntry(p.listens[type]));
  if (!entry && !signals) return null;
  const fields = new Set(plans.flatMap((p) => (p.eventFields[type] ?? []).map((f) => f.split('.')[0]!)));
  return { journeyId, entry, signals, fields: [...fields] };
}
