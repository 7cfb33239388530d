/**
 * Benches that cannot lie: each one states the work its figures stand for (runs entered, sends made,
 * requests answered) and fails, exiting non-zero, when that work was not done, instead of printing a
 * rate measured over nothing.
 */

/** One claim a bench makes: what it did, and the least it must have done. */
export interface WorkClaim {
  did: number;
  atLeast: number;
  /** When set, `did` must not exceed it either (e.g. no doubled sends). */
  atMost?: number;
}

/** Thrown when a bench's figures stand on less work than they claim. */
export class BenchDidNoWorkError extends Error {
  constructor(bench: string, failures: string[]) {
    super(`bench ${bench}: the figures stand on work not done: ${failures.join('; ')}`);
    this.name = 'BenchDidNoWorkError';
  }
}

/** Throws {@link BenchDidNoWorkError} naming every claim not met. */
export function assertWork(bench: string, claims: Record<string, WorkClaim>): void {
  const failures = Object.entries(claims)
    .filter(([, c]) => !(c.did >= c.atLeast && (c.atMost === undefined || c.did <= c.atMost)))
    .map(([name, c]) => `${name}: ${c.did} (expected ${c.atMost === c.atLeast ? c.atLeast : `≥ ${c.atLeast}`})`);
  if (failures.length > 0) throw new BenchDidNoWorkError(bench, failures);
}

/** A claim of exactly `n`. */
export const exactly = (did: number, n: number): WorkClaim => ({ did, atLeast: n, atMost: n });

/** A claim of at least one. */
export const some = (did: number): WorkClaim => ({ did, atLeast: 1 });
