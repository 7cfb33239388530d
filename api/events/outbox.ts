/**
 * The outbox loop: routes stored events whose routing failed or was interrupted. Events this process
 * deferred are retried from memory when due (every `intervalMs`); a slower sweep (`sweepMs`) finds the
 * rest in MongoDB, such as events left by a process that crashed. Each event is claimed (a lease) first,
 * so processes never route one event at the same time.
 */
import type { Logger } from 'pino';
import { claimEvent, findDueEvents, type EventRow } from '../../store/events.js';
import type { Models } from '../../store/connection.js';

export interface Outbox {
  /** Routes what is due once (the deferred events, then a sweep); returns how many were finished. */
  drainOutbox(limit?: number): Promise<number>;
  startOutbox(opts?: { intervalMs?: number; sweepMs?: number }): void;
  stopOutbox(): Promise<void>;
}

export function createOutbox(deps: {
  models: Models;
  logger: Logger;
  clock: () => number;
  leaseMs: number;
  process: (row: EventRow) => Promise<unknown>;
}): Outbox & { retryAt(eventId: string, atMs: number): void; settled(eventId: string): void } {
  const due = new Map<string, number>();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  let lastSweep = Number.NEGATIVE_INFINITY;

  async function finish(eventIds: string[]): Promise<number> {
    let finished = 0;
    for (const eventId of eventIds) {
      const claimed = await claimEvent(deps.models, eventId, deps.clock(), deps.leaseMs);
      if (!claimed) continue;
      try {
        await deps.process(claimed);
        finished += 1;
      } catch (err) {
        deps.logger.warn({ eventId, err: (err as Error)?.message }, 'routing deferred');
      }
    }
    return finished;
  }

  async function pass(sweep: boolean, limit: number): Promise<number> {
    const now = deps.clock();
    const ready = [...due.entries()].filter(([, at]) => at <= now).map(([id]) => id);
    let finished = await finish(ready.slice(0, limit));
    if (sweep) {
      lastSweep = now;
      finished += await finish(await findDueEvents(deps.models, now, limit));
    }
    return finished;
  }

  return {
    retryAt(eventId, atMs) {
      due.set(eventId, atMs);
    },
    settled(eventId) {
      due.delete(eventId);
    },
    drainOutbox(limit = 100) {
      return pass(true, limit);
    },
    startOutbox({ intervalMs = 1_000, sweepMs = 30_000 } = {}) {
      if (timer) return;
      timer = setInterval(() => {
        if (running) return;
        running = pass(deps.clock() - lastSweep >= sweepMs, 100)
          .catch((err: unknown) => deps.logger.warn({ err: (err as Error)?.message }, 'outbox pass failed'))
          .finally(() => (running = null));
      }, intervalMs);
      timer.unref();
    },
    async stopOutbox() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
