/**
 * `kizuna_sends{channel, result}`: the delivery ledger's rows by channel and status, read on scrape.
 * Sends happen in the worker processes, which serve no metrics; the ledger is where every process's
 * sends meet, so any API process reports the same totals.
 */
import { Gauge, type Registry } from 'prom-client';
import type { Models } from '../../store/models/index.js';

export const SENDS_METRIC = 'kizuna_sends';

interface SendGroup {
  _id: { channel?: string | null; status?: string | null };
  n: number;
}

/**
 * Registers the gauge on `registry` (once: a second call on the same registry is a no-op). Each scrape
 * reads at most once per `maxAgeMs` (default 10 s): one `$group` over the ledger, which FerretDB runs
 * as a scan. When the read fails (MongoDB down) the series are dropped rather than left stale, and the
 * other metrics are still served.
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
        const groups = await models.Delivery.aggregate<SendGroup>([
          { $group: { _id: { channel: '$channel', status: '$status' }, n: { $sum: 1 } } },
        ]).option({ maxTimeMS: 5_000 });
        this.reset();
        for (const g of groups) {
          this.set({ channel: g._id.channel ?? 'none', result: g._id.status ?? 'unknown' }, g.n);
        }
      } catch {
        this.reset();
        readAtMs = -Infinity;
      }
    },
  });
}
