/** Lateness figures: when each due message arrived against when it was due. */
import { loadavg } from 'node:os';

/** Percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** The machine's load average now (1, 5, 15 minutes), rounded. */
export const load = () => loadavg().map((n) => Math.round(n * 100) / 100);

export interface Lateness {
  due: number;
  arrived: number;
  missing: number;
  doubled: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  loadAverage: number[];
}

/**
 * Lateness of each recipient's first message against its due time (ms since the epoch); recipients
 * with none are missing, with more than one doubled.
 */
export function lateness(due: Map<string, number>, arrivals: Map<string, number[]>): Lateness {
  const late: number[] = [];
  let missing = 0;
  let doubled = 0;
  for (const [recipient, dueAt] of due) {
    const got = arrivals.get(recipient) ?? [];
    if (got.length === 0) missing += 1;
    if (got.length > 1) doubled += 1;
    if (got.length > 0) late.push(Math.min(...got) - dueAt);
  }
  late.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n);
  return {
    due: due.size,
    arrived: late.length,
    missing,
    doubled,
    p50Ms: round(percentile(late, 50)),
    p95Ms: round(percentile(late, 95)),
    maxMs: round(percentile(late, 100)),
    loadAverage: load(),
  };
}

/** Resolves when every recipient of `due` has a message, or after `timeoutMs` (the figures say what is missing). */
export async function untilArrived(due: Map<string, number>, arrivals: () => Map<string, number[]>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const got = arrivals();
    if ([...due.keys()].every((r) => (got.get(r)?.length ?? 0) > 0)) return;
    await new Promise((ok) => setTimeout(ok, 250));
  }
}
