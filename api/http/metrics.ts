/** Prometheus metrics of one app (its own registry, so several apps in one process do not collide). */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type Metrics = ReturnType<typeof createMetrics>;

/** Creates the registry and the API's counters; `/metrics` serves `registry.metrics()`. */
export function createMetrics(opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'kizuna_api_' });
  const registers = [registry];
  return {
    registry,
    eventsAccepted: new Counter({
      name: 'kizuna_events_accepted_total',
      help: 'Events stored (new) or recognised as duplicates',
      labelNames: ['result'] as const,
      registers,
    }),
    eventsRefused: new Counter({
      name: 'kizuna_events_refused_total',
      help: 'Events refused, by error code',
      labelNames: ['code'] as const,
      registers,
    }),
    routingSeconds: new Histogram({
      name: 'kizuna_event_routing_seconds',
      help: 'Time to route one stored event to the journeys listening to it',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    routingRetries: new Counter({
      name: 'kizuna_event_routing_deferred_total',
      help: 'Routings that failed and were left in the outbox for a retry',
      registers,
    }),
    signals: new Counter({
      name: 'kizuna_journey_signals_total',
      help: 'customerEvent signals sent, by result (signalled, no-run)',
      labelNames: ['result'] as const,
      registers,
    }),
    entries: new Counter({
      name: 'kizuna_journey_entries_total',
      help: 'Journey entries asked for, by result (entered, signalled, inactive, not-matched)',
      labelNames: ['result'] as const,
      registers,
    }),
  };
}
