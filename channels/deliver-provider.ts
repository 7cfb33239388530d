/**
 * The provider call of a claimed delivery and what its answer does to the ledger: `sent`, a permanent
 * `failed` with a reason, or a released lease and a {@link DeliveryRetryableError} for transient trouble.
 */
import { upsertProfile } from '../store/customers.js';
import { finishDelivery, releaseDelivery, type DeliveryRow } from '../store/deliveries.js';
import type { PreparedContent } from './deliver-content.js';
import { DeliveryRetryableError, type DeliveryDeps, type DeliveryOutcome } from './delivery-types.js';
import { EmailSendError } from './email-transport.js';
import { lineRetryKey } from './line-retry-key.js';
import { LineSendError } from './line-sender.js';

/** Calls the provider for a row this attempt holds, and records the answer. */
export async function callProvider(
  deps: DeliveryDeps,
  row: DeliveryRow,
  content: PreparedContent,
): Promise<DeliveryOutcome> {
  try {
    const sent = await send(deps, row, content);
    await finishDelivery(deps.models, row.idempotencyKey, { status: 'sent', ...sent });
    return { status: 'sent', channel: content.channel, providerId: sent.providerMessageId };
  } catch (err) {
    if (err instanceof EmailSendError) return emailFailed(deps, row, err);
    if (err instanceof LineSendError) return lineFailed(deps, row, err);
    await releaseDelivery(deps.models, row.idempotencyKey, { uncertain: true, detail: (err as Error).message });
    throw err;
  }
}

async function send(
  deps: DeliveryDeps,
  row: DeliveryRow,
  content: PreparedContent,
): Promise<{ providerMessageId: string; providerResponse: string }> {
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
    case 'transient':
    case 'uncertain':
      await releaseDelivery(deps.models, row.idempotencyKey, {
        uncertain: err.kind === 'uncertain',
        detail: err.message,
      });
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
      await releaseDelivery(deps.models, row.idempotencyKey, { uncertain: false, detail });
      throw new DeliveryRetryableError('LINE_RATE_LIMITED', detail, err.retryAfterMs);
    case 'transient':
      await releaseDelivery(deps.models, row.idempotencyKey, { uncertain: true, detail });
      throw new DeliveryRetryableError('LINE_UNAVAILABLE', detail);
  }
}
