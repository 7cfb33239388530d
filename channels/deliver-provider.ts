/**
 * The provider call of a claimed delivery and what its answer does to the ledger: `sent`, a permanent
 * `failed` with a reason, or a released lease and a {@link DeliveryRetryableError} for transient trouble.
 */
import { upsertProfile } from '../store/customers.js';
import { finishDelivery, releaseDelivery, renewDelivery, type DeliveryRow } from '../store/deliveries.js';
import type { PreparedContent } from './deliver-content.js';
import {
  DEFAULT_LEASE_MS,
  DEFAULT_RECORD_SENT_TRY_MS,
  DeliveryRetryableError,
  type AcceptedSend,
  type DeliveryDeps,
  type DeliveryOutcome,
  type DeliveryRequest,
} from './delivery-types.js';
import { EmailSendError } from './email-transport.js';
import { lineRetryKey } from './line-retry-key.js';
import { LineSendError } from './line-sender.js';

/**
 * Calls the provider for a row this attempt holds, and records the answer. Once the provider accepted,
 * the lease is never released: a failed ledger write leaves the row held, and `req.onAccepted` has
 * been told, so the retry records the send instead of sending again.
 */
export async function callProvider(
  deps: DeliveryDeps,
  req: Pick<DeliveryRequest, 'onAccepted'>,
  row: DeliveryRow,
  content: PreparedContent,
): Promise<DeliveryOutcome> {
  let sent: AcceptedSend;
  const stopRenewing = renewLease(deps, row);
  try {
    sent = await send(deps, row, content);
  } catch (err) {
    await stopRenewing();
    if (err instanceof EmailSendError) return emailFailed(deps, row, err);
    if (err instanceof LineSendError) return lineFailed(deps, row, err);
    await releaseDelivery(deps.models, row, { uncertain: true, detail: (err as Error).message });
    throw err;
  }
  await stopRenewing();
  req.onAccepted?.(sent);
  await recordSent(deps, row, sent);
  return sentOutcome(content.channel, sent, row.uncertain);
}

/**
 * The outcome of an accepted send; `uncertain` when an earlier attempt may have delivered the email too
 * (never for LINE, which took every attempt under one retry key).
 */
export function sentOutcome(channel: 'email' | 'line', sent: AcceptedSend, uncertain: boolean): DeliveryOutcome {
  const doubt = uncertain && channel === 'email' ? { uncertain: true } : {};
  return { status: 'sent', channel, providerId: sent.providerMessageId, ...doubt };
}

/**
 * Renews the row's lease every quarter lease while the provider call runs; the returned function stops
 * and waits for a renewal under way, so it cannot land on top of the outcome's write.
 */
function renewLease(deps: DeliveryDeps, row: DeliveryRow): () => Promise<void> {
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  const clock = deps.clock ?? Date.now;
  let renewing: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    // A failed renewal only shortens the lease; the send goes on.
    renewing = renewDelivery(deps.models, row, clock() + leaseMs).catch(() => undefined);
  }, leaseMs / 4);
  return async () => {
    clearInterval(timer);
    await renewing;
  };
}

/** How long a busy or briefly unreachable database may delay recording a message the provider accepted. */
const RECORD_SENT_DELAYS_MS = [50, 100, 200, 400, 800, 1_600, 3_200, 5_000, 5_000, 5_000];

/**
 * Records an accepted message, retrying the write: the provider already has it, so giving up here would
 * let the activity's retry send it again (SQLite-backed FerretDB answers "database is locked" under load).
 * Each try is given `deps.recordSentTryMs`: the driver has no socket timeout, so a write sent on a link
 * that died without a reset would otherwise wait for its reply forever and the send would never answer.
 * After every try failed, a {@link DeliveryRetryableError} `STORE_UNAVAILABLE` escapes, leaving the row
 * `pending` under its lease; the caller keeps the acceptance (`onAccepted`) for the retry to record.
 */
export async function recordSent(
  deps: DeliveryDeps,
  row: Pick<DeliveryRow, 'idempotencyKey' | 'uncertain'>,
  sent: AcceptedSend,
): Promise<void> {
  const delays = deps.recordSentDelaysMs ?? RECORD_SENT_DELAYS_MS;
  const tryMs = deps.recordSentTryMs ?? DEFAULT_RECORD_SENT_TRY_MS;
  const outcome = { status: 'sent' as const, ...sent, ...(row.uncertain ? { uncertain: true } : {}) };
  // Only the first try joins the group write: a retry writes its row alone, so a group write stuck on a
  // dead connection (it keeps its in-flight slot) does not hold the retries back.
  const write = (attempt: number) =>
    deps.finishSent && attempt === 0
      ? deps.finishSent({ idempotencyKey: row.idempotencyKey, outcome })
      : finishDelivery(deps.models, row.idempotencyKey, outcome);
  for (let attempt = 0; ; attempt++) {
    try {
      return await withinMs(write(attempt), tryMs, `recording the send of ${row.idempotencyKey}`);
    } catch (err) {
      const delay = delays[attempt];
      if (delay === undefined) {
        const message = `the store did not record the accepted send of ${row.idempotencyKey}: ${(err as Error).message}`;
        throw new DeliveryRetryableError('STORE_UNAVAILABLE', message);
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** Settles as `promise` does, or rejects once `ms` passed without an answer (the promise runs on). */
function withinMs<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: the store did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function send(deps: DeliveryDeps, row: DeliveryRow, content: PreparedContent): Promise<AcceptedSend> {
  if (content.channel === 'email') {
    const sent = await deps.email.send(content.mail);
    return { providerMessageId: sent.messageId, providerResponse: sent.response };
  }
  if (!deps.line) throw new LineSendError('config', 'no LINE channel is configured', null);
  const pushed = await deps.line.push({
    to: content.to,
    messages: content.messages,
    retryKey: lineRetryKey(row.idempotencyKey),
  });
  const providerResponse = pushed.duplicate ? '409: accepted earlier under the same retry key' : '200';
  return { providerMessageId: pushed.requestId, providerResponse };
}

async function fail(deps: DeliveryDeps, row: DeliveryRow, channel: 'email' | 'line', reason: string, detail: string) {
  await finishDelivery(deps.models, row.idempotencyKey, { status: 'failed', reason, detail });
  return { status: 'failed' as const, channel, reason, detail };
}

async function emailFailed(deps: DeliveryDeps, row: DeliveryRow, err: EmailSendError): Promise<DeliveryOutcome> {
  switch (err.kind) {
    case 'address':
      // The mailbox refused: later journeys must not keep knocking (it hurts the sender's reputation).
      await upsertProfile(deps.models, row.customerId, { set: { 'consent.email': 'bounced' } });
      return fail(deps, row, 'email', 'bounced', err.message);
    case 'rejected':
      return fail(deps, row, 'email', 'smtp-rejected', err.message);
    case 'invalid':
      return fail(deps, row, 'email', 'invalid-address', err.message);
    case 'transient':
    case 'uncertain':
      await releaseDelivery(deps.models, row, { uncertain: err.kind === 'uncertain', detail: err.message });
      throw new DeliveryRetryableError('EMAIL_UNAVAILABLE', err.message);
  }
}

async function lineFailed(deps: DeliveryDeps, row: DeliveryRow, err: LineSendError): Promise<DeliveryOutcome> {
  const detail = err.detail ? `${err.message} (${err.detail})` : err.message;
  switch (err.kind) {
    case 'invalid':
      return fail(deps, row, 'line', `line-${err.status ?? 400}`, detail);
    case 'config':
      (deps.onConfigError ?? console.error)(`LINE refused the channel's credentials or plan: ${detail}`);
      return fail(deps, row, 'line', 'line-config', detail);
    case 'monthly-limit':
      // Retrying every few seconds for weeks helps nobody: the engine falls back to email or goes on.
      return fail(deps, row, 'line', 'monthly-limit', detail);
    case 'rate-limited':
      await releaseDelivery(deps.models, row, { uncertain: false, detail });
      throw new DeliveryRetryableError('LINE_RATE_LIMITED', detail, err.retryAfterMs);
    case 'transient':
      await releaseDelivery(deps.models, row, { uncertain: true, detail });
      throw new DeliveryRetryableError('LINE_UNAVAILABLE', detail);
  }
}
