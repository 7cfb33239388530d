/** What the stand-in remembers: accepted pushes, retry keys (24 hours), programmed faults, the quota. */

export interface RecordedPush {
  requestId: string;
  retryKey: string | null;
  to: string;
  messages: unknown[];
  /** The raw body as received, for the end-of-suite validation of every body. */
  body: unknown;
  sentMessages: { id: string; quoteToken?: string }[];
  receivedAt: string;
}

/**
 * A fault for the next push requests, consumed in order:
 * - `status`: answer with this status and LINE's error body (429 with `retryAfterSeconds` sets Retry-After);
 * - `monthly-limit`: 429 "You have reached your monthly limit.";
 * - `latency`: wait `ms` before handling the request normally;
 * - `drop-after-accept`: accept the push (recorded, key remembered), then close the socket without answering.
 */
export type Fault =
  | { kind: 'status'; status: number; retryAfterSeconds?: number; message?: string }
  | { kind: 'monthly-limit' }
  | { kind: 'latency'; ms: number }
  | { kind: 'drop-after-accept' };

/** How long LINE remembers a retry key. */
export const RETRY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

export class StandinState {
  readonly pushes: RecordedPush[] = [];
  /** Every push request body that passed authentication, accepted or not (for the validation sweep). */
  readonly bodies: unknown[] = [];
  readonly faults: Fault[] = [];
  /** Push requests seen per retry key (including 409s), for tests. */
  readonly retryKeyHits = new Map<string, number>();
  private readonly accepted = new Map<string, { push: RecordedPush; atMs: number }>();
  /** `null` = no monthly limit. */
  quotaLimit: number | null = null;

  constructor(private readonly clock: () => number) {}

  /** The accepted push of a retry key, if it is younger than 24 hours. */
  acceptedFor(retryKey: string): RecordedPush | null {
    const hit = this.accepted.get(retryKey);
    if (!hit) return null;
    if (this.clock() - hit.atMs >= RETRY_KEY_TTL_MS) {
      this.accepted.delete(retryKey);
      return null;
    }
    return hit.push;
  }

  accept(push: RecordedPush): void {
    this.pushes.push(push);
    if (push.retryKey) this.accepted.set(push.retryKey, { push, atMs: this.clock() });
  }

  /** Messages counted this month: LINE counts one per recipient per push. */
  usage(): number {
    return this.pushes.length;
  }

  nextFault(): Fault | undefined {
    return this.faults.shift();
  }
}
