/**
 * Types of the send path (`deliver.ts`): the request the engine's `send` command becomes, the outcome,
 * the retryable error and the dependencies.
 */
import type { EmailTransport } from './email-transport.js';
import type { LineBudget } from './line-budget.js';
import type { LineSender } from './line-sender.js';
import type { DeliveryFinish } from '../store/deliveries.js';
import type { Models } from '../store/connection.js';
import type { UnsubscribeKeys } from './unsubscribe-token.js';

/** What the engine asks for: one message, exactly once per `deliveryKey`. */
export interface DeliveryRequest {
  /** The engine's idempotency key (workflow id + step + entry + visit + attempt). */
  deliveryKey: string;
  journeyId: string;
  version: number;
  stepId: string;
  /** Template name; its sources are pinned with the journey version in the store. */
  template: string;
  channel: 'email' | 'line' | 'preferred';
  customerId: string;
  /** Loaded by id from the events collection for `{{ event.* }}`. */
  entryEventId: string | null;
  /** The plan's frequency cap: at most `max` sends per customer and channel within `perMs`, across journeys. */
  cap: { max: number; perMs: number } | null;
  /** The engine's clock (workflow time): the cap window is counted on it. */
  nowMs: number;
  /**
   * The provider accepted this delivery in an earlier attempt whose ledger write failed (the `send`
   * activity keeps it in its heartbeat details): the retry records it and does not send again.
   */
  accepted?: AcceptedSend | null;
  /** Told as soon as the provider accepted, before the ledger write, so the caller can keep it. */
  onAccepted?: (sent: AcceptedSend) => void;
  /**
   * The `send` activity's first attempt: the ledger is not read up front, since a row is rare then
   * (only a command issued again, e.g. after continue-as-new). Such a row still wins: the claim's insert
   * is refused for it, and a `capped` answer or an early finish reads it. @default false
   */
  firstAttempt?: boolean;
}

/** What the provider answered when it took a message: kept until the ledger records it. */
export interface AcceptedSend {
  providerMessageId: string;
  providerResponse: string;
}

/** What happened. `skipped` and `failed` carry a reason the journal records. */
export type DeliveryOutcome =
  | { status: 'sent'; channel: 'email' | 'line'; providerId: string; uncertain?: boolean }
  | { status: 'skipped'; channel: 'email' | 'line' | null; reason: string }
  | { status: 'failed'; channel: 'email' | 'line'; reason: string; detail?: string }
  | { status: 'capped'; channel: 'email' | 'line'; retryAtMs: number };

/** Codes of {@link DeliveryRetryableError}. */
export type DeliveryRetryableCode =
  'EMAIL_UNAVAILABLE' | 'LINE_UNAVAILABLE' | 'LINE_RATE_LIMITED' | 'DELIVERY_IN_PROGRESS' | 'STORE_UNAVAILABLE';

/**
 * Transient: nothing was delivered, or the provider deduplicates a resend. The activity rethrows it as a
 * retryable `ApplicationFailure` with `nextRetryDelay = retryAfterMs` when set.
 */
export class DeliveryRetryableError extends Error {
  constructor(
    readonly code: DeliveryRetryableCode,
    message: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'DeliveryRetryableError';
  }
}

/** Links every template can use; `unsubscribe` is built per recipient from these. */
export interface DeliveryLinks {
  /** Public base URL of the API, e.g. `https://kizuna.example.com` (unsubscribe pages live under it). */
  publicBaseUrl: string;
  /** Secret (at least 32 bytes) or keyring the unsubscribe tokens are signed with (its current key). */
  unsubscribeSecret: UnsubscribeKeys;
  /** How long an unsubscribe link works after its mail. @default DEFAULT_TOKEN_TTL_MS (180 days) */
  unsubscribeTokenTtlMs?: number;
  /** `mailto:` target of `List-Unsubscribe`, e.g. `unsubscribe@example.com`. */
  mailto: string;
  /** More named links for templates (`{{ links.shop }}`). */
  extra?: Record<string, string>;
}

/** Sender identity of a journey's email; the default applies to journeys not listed. */
export interface EmailIdentity {
  from: string;
  replyTo?: string;
}

/**
 * The default lease: a dead attempt's row can be taken over this long after its last renewal, about
 * when Temporal notices the missing heartbeats of its `send` activity (20 s) and retries it.
 */
export const DEFAULT_LEASE_MS = 20_000;

/** How long one try of recording an accepted send waits for the store (the driver has no socket timeout). */
export const DEFAULT_RECORD_SENT_TRY_MS = 10_000;

export interface DeliveryDeps {
  models: Models;
  email: EmailTransport;
  /** `null` when no LINE channel is configured: LINE sends are skipped with reason `line-not-configured`. */
  line: LineSender | null;
  links: DeliveryLinks;
  shopName: string;
  /** Default From address (`"Shop" <news@shop.example>`). */
  from: string;
  replyTo?: string;
  /** Per-journey From / Reply-To, by journey id. */
  senders?: Record<string, EmailIdentity>;
  /**
   * What a retry does when an earlier SMTP attempt may have been accepted (timeout or crash after the
   * message was handed over): `resend` (default; same Message-ID) or `fail` (at most once).
   */
  emailUncertain?: 'resend' | 'fail';
  /** Real clock for leases (not the engine's clock); defaults to `Date.now`. */
  clock?: () => number;
  /**
   * How long a claimed attempt owns its row before a retry may take over; renewed every quarter of it
   * while the provider call runs. Default {@link DEFAULT_LEASE_MS}.
   */
  leaseMs?: number;
  /**
   * Pauses between the tries of recording a message the provider accepted; after the last the error
   * escapes with the row still held. Default about 20 s in all.
   */
  recordSentDelaysMs?: readonly number[];
  /**
   * How long one try of recording an accepted send may wait for the store before it counts as failed
   * (a link cut without a reset never answers). Default {@link DEFAULT_RECORD_SENT_TRY_MS}.
   */
  recordSentTryMs?: number;
  /**
   * The workspace's LINE message budget (with LINE's own quota): checked before a LINE send is claimed
   * and counted right before its push; past it the send is `skipped` with reason `line-budget`.
   * Absent: no budget.
   */
  lineBudget?: LineBudget | null;
  /** Where loud configuration errors go (LINE 401/403); defaults to `console.error`. */
  onConfigError?: (message: string) => void;
  /**
   * Records that a claimed send was accepted. `createDelivery` sets it to a group commit: the
   * sends that finish together share one bulk write. Default: one `finishDelivery` write per send.
   */
  finishSent?: (finish: DeliveryFinish) => Promise<void>;
}

export interface Delivery {
  deliver(req: DeliveryRequest): Promise<DeliveryOutcome>;
  close(): void;
}
