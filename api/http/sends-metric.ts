/**
 * `kizuna_sends{channel, result}`: the delivery ledger's rows by channel and status, read on scrape.
 * Sends happen in the worker processes, which serve no metrics; the ledger is where every process's
 * sends meet, so any API process reports the same totals.
 */
import { Gauge, type Registry } from 'prom-client';
import type { Models } from '../../store/connection.js';
import { countSendsByChannelAndStatus } from '../../store/deliveries.js';

export const SENDS_METRIC = 'kizuna_sends';

/**
 * Registers the gauge on `registry` (once: a second call on the same registry is a no-op). Each scrape
 * reads the ledger's counts at most once per `maxAgeMs` (default 10 s). When the read fails (MongoDB
 * down) the series are dropped rather than left stale, and the other metrics are still served.
 */
export function trackSends(registry: Registry, models: Models, opts: { maxAgeMs?: number; clock?: () => number } = {}) {
  if (registry.getSingleMetric(SENDS_METRIC)) return;
  const maxAgeMs = opts.maxAgeMs ?? 10_000;
  const clock = opts.clock ?? Date.now;
  let readAtMs = -Infinity;
  new Gauge({
    name: SENDS_METRIC,
    help: 'Sends in the delivery ledger by channel (email, line, none) and result (pending, sent, failed, skipped)',
    labelNames: ['channel', 'result'] as const,
    registers: [registry],
    async collect() {
      if (clock() - readAtMs < maxAgeMs) return;
      readAtMs = clock();
      try {
        const counts = await countSendsByChannelAndStatus(models);
        this.reset();
        for (const c of counts) this.set({ channel: c.channel ?? 'none', result: c.status ?? 'unknown' }, c.count);
      } catch {
        this.reset();
        readAtMs = -Infinity;
      }
    },
  });
}
