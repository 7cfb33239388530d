/**
 * The send ledger (`deliveries`): the only code that reads or writes it. Every decision that must
 * hold under concurrency is an insert with a unique `_id` (see `models/delivery.ts` for why not an
 * update), and every lookup is by `_id` (the delivery key).
 */
import { releaseSlot, reserveSlot } from './delivery-slots.js';
import type { Models } from './models/index.js';

const DUPLICATE_KEY = 11000;

/** What a row records about the send it stands for. */
export interface DeliveryMeta {
  idempotencyKey: string;
  customerId: string;
  journeyId: string;
  version: number;
  stepId: string;
  template: string;
}

/** A ledger row as the send path reads it. */
export interface DeliveryRow extends DeliveryMeta {
  channel: 'email' | 'line' | null;
  status: 'pending' | 'sent' | 'failed' | 'skipped';
  attempt: number;
  leaseUntilMs: number;
  uncertain: boolean;
  reason?: string | null;
  detail?: string | null;
  providerMessageId?: string | null;
}

/** The answer of {@link claimDelivery}. */
export type ClaimResult =
  { kind: 'claimed'; row: DeliveryRow } | { kind: 'capped'; retryAtMs: number } | { kind: 'exists'; row: DeliveryRow };

const isDuplicate = (err: unknown) => (err as { code?: number }).code === DUPLICATE_KEY;

/** The row of a delivery key, or null. */
export async function findDelivery(models: Models, idempotencyKey: string): Promise<DeliveryRow | null> {
  return models.Delivery.findById(idempotencyKey).lean<DeliveryRow>();
}

/**
 * Records a send that never reaches a provider (consent, missing address, template error). When the key
 * already has a row, that row wins and is returned.
 */
export async function recordFinished(
  models: Models,
  meta: DeliveryMeta,
  outcome: { channel: 'email' | 'line' | null; status: 'skipped' | 'failed'; reason: string; detail?: string },
): Promise<DeliveryRow> {
  try {
    const doc = { _id: meta.idempotencyKey, ...meta, ...outcome, finishedAt: new Date() };
    await models.Delivery.create(doc);
    return { ...doc, attempt: 1, leaseUntilMs: 0, uncertain: false };
  } catch (err) {
    if (!isDuplicate(err)) throw err;
    const row = await findDelivery(models, meta.idempotencyKey);
    if (!row) throw err;
    return row;
  }
}

/**
 * Reserves the customer's next send slot (answering `capped` when the cap is reached), then claims the
 * key by inserting the row. The loser of a race for the key gets the winner's row (`exists`), gives its
 * slot back and must not send.
 */
export async function claimDelivery(
  models: Models,
  input: {
    meta: DeliveryMeta;
    channel: 'email' | 'line';
    cap: { max: number; perMs: number } | null;
    nowMs: number;
    leaseUntilMs: number;
  },
): Promise<ClaimResult> {
  const { meta, channel } = input;
  const slot = await reserveSlot(models, {
    customerId: meta.customerId,
    channel,
    key: meta.idempotencyKey,
    cap: input.cap,
    nowMs: input.nowMs,
  });
  if (slot.kind === 'capped') return slot;
  const doc = {
    _id: meta.idempotencyKey,
    ...meta,
    channel,
    status: 'pending' as const,
    slotId: slot.slotId,
    attempt: 1,
    leaseUntilMs: input.leaseUntilMs,
    uncertain: false,
  };
  try {
    await models.Delivery.create(doc);
    return { kind: 'claimed', row: doc };
  } catch (err) {
    if (!isDuplicate(err)) throw err;
    await releaseSlot(models, slot.slotId);
    const row = await findDelivery(models, meta.idempotencyKey);
    if (!row) throw err;
    return { kind: 'exists', row };
  }
}

/**
 * Takes over a `pending` row whose lease has expired (its attempt crashed or gave up), by inserting the
 * next attempt's claim: of two retries, one wins. Returns the row with the new attempt, or null.
 */
export async function takeOverDelivery(
  models: Models,
  row: DeliveryRow,
  leaseUntilMs: number,
): Promise<DeliveryRow | null> {
  const attempt = row.attempt + 1;
  try {
    await models.DeliveryClaim.create({ _id: `attempt|${row.idempotencyKey}|${attempt}` });
  } catch (err) {
    if (isDuplicate(err)) return null;
    throw err;
  }
  await models.Delivery.updateOne({ _id: row.idempotencyKey }, { $set: { attempt, leaseUntilMs } });
  return { ...row, attempt, leaseUntilMs };
}

/** Ends the lease of a pending row after a transient failure, so the next retry may go at once. */
export async function releaseDelivery(
  models: Models,
  idempotencyKey: string,
  info: { uncertain: boolean; detail: string },
): Promise<void> {
  const $set: Record<string, unknown> = { leaseUntilMs: 0, detail: info.detail };
  // Once uncertain, always: a later clean failure does not prove the earlier attempt was not accepted.
  if (info.uncertain) $set.uncertain = true;
  await models.Delivery.updateOne({ _id: idempotencyKey }, { $set });
}

/** Records the end of a claimed send. Only the attempt holding the lease calls this. */
export async function finishDelivery(
  models: Models,
  idempotencyKey: string,
  outcome:
    | { status: 'sent'; providerMessageId: string; providerResponse?: string }
    | { status: 'failed'; reason: string; detail?: string },
): Promise<void> {
  const now = new Date();
  const $set = { ...outcome, finishedAt: now, leaseUntilMs: 0, ...(outcome.status === 'sent' ? { sentAt: now } : {}) };
  await models.Delivery.updateOne({ _id: idempotencyKey }, { $set });
}
