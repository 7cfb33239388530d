/** What the stand-in remembers: accepted pushes, retry keys (24 hours), programmed faults, the quota. */
import { quotaMonth } from './quota-month.js';

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

/** An accepted push, multicast or broadcast request, as the quota counts it. */
export interface CountedSend {
  kind: 'push' | 'multicast' | 'broadcast';
  requestId: string;
  /** Messages LINE counts for it: one per recipient, whatever the number of message objects. */
  recipients: number;
  atMs: number;
}

/** What a retry key remembers: the accepted request's id, and its sent messages for a push. */
interface AcceptedKey {
  requestId: string;
  sentMessages?: RecordedPush['sentMessages'];
  atMs: number;
}

export class StandinState {
  readonly pushes: RecordedPush[] = [];
  /** Every push request body that passed authentication, accepted or not (for the validation sweep). */
  readonly bodies: unknown[] = [];
  readonly faults: Fault[] = [];
  /** Push requests seen per retry key (including 409s), for tests. */
  readonly retryKeyHits = new Map<string, number>();
  /** Every accepted push, multicast and broadcast, for the quota's consumption. */
  readonly counted: CountedSend[] = [];
  private readonly accepted = new Map<string, AcceptedKey>();
  /** `null` = no monthly limit (`type: none`). */
  quotaLimit: number | null = null;
  /** Messages the channel sent this month before the stand-in's own (set by tests through `/__standin/quota`). */
  usageBefore = 0;

  constructor(private readonly clock: () => number) {}

  /** The accepted request of a retry key, if it is younger than 24 hours. */
  acceptedFor(retryKey: string): Omit<AcceptedKey, 'atMs'> | null {
    const hit = this.accepted.get(retryKey);
    if (!hit) return null;
    if (this.clock() - hit.atMs >= RETRY_KEY_TTL_MS) {
      this.accepted.delete(retryKey);
      return null;
    }
    return hit;
  }

  accept(push: RecordedPush): void {
    this.pushes.push(push);
    this.count({ kind: 'push', requestId: push.requestId, recipients: 1, retryKey: push.retryKey }, push.sentMessages);
  }

  /** Counts an accepted request against the month's quota and remembers its retry key. */
  count(
    send: Omit<CountedSend, 'atMs'> & { retryKey: string | null },
    sentMessages?: RecordedPush['sentMessages'],
  ): void {
    const atMs = this.clock();
    this.counted.push({ kind: send.kind, requestId: send.requestId, recipients: send.recipients, atMs });
    if (send.retryKey) {
      this.accepted.set(send.retryKey, { requestId: send.requestId, atMs, ...(sentMessages ? { sentMessages } : {}) });
    }
  }

  /**
   * Messages counted this month (the calendar month in Japan time, as LINE bills): one per recipient of
   * every accepted push, multicast and broadcast, plus {@link usageBefore}. Replies are free.
   */
  usage(): number {
    const month = quotaMonth(this.clock());
    return this.counted.reduce((n, s) => (quotaMonth(s.atMs) === month ? n + s.recipients : n), this.usageBefore);
  }

  /** Whether `recipients` more messages would pass the monthly limit. */
  overLimit(recipients: number): boolean {
    return this.quotaLimit !== null && this.usage() + recipients > this.quotaLimit;
  }

  nextFault(): Fault | undefined {
    return this.faults.shift();
  }
}
