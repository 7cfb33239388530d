/**
 * The send ledger (`deliveries`): the only code that reads or writes it. Every decision that must
 * hold under concurrency is a unique-index insert (see `models/delivery.ts` for why not an update).
 */
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
  return models.Delivery.findOne({ idempotencyKey }).lean<DeliveryRow>();
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
    const doc = { ...meta, ...outcome, capSlot: `-|${meta.idempotencyKey}`, finishedAt: new Date() };
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
 * Claims the key and the customer's next send slot on the channel in one insert. With a cap, the last
 * `cap.max` claimed sends (of any journey) are read first: when all of them are inside the window the
 * answer is `capped` with the time the oldest leaves it. The loser of a race for the same slot reads
 * again; the loser of a race for the same key gets the winner's row (`exists`) and must not send.
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
  const { meta, channel, cap, nowMs } = input;
  for (let round = 0; round < 50; round++) {
    const recent = await models.Delivery.find(
      { customerId: meta.customerId, channel, capSeq: { $exists: true } },
      { capSeq: 1, capAtMs: 1 },
    )
      .sort({ capSeq: -1 })
      .limit(Math.max(cap?.max ?? 1, 1))
      .lean<{ capSeq: number; capAtMs: number }[]>();
    if (cap) {
      const inWindow = recent.filter((r) => r.capAtMs > nowMs - cap.perMs);
      if (inWindow.length >= cap.max) {
        return { kind: 'capped', retryAtMs: Math.min(...inWindow.map((r) => r.capAtMs)) + cap.perMs };
      }
    }
    const capSeq = (recent[0]?.capSeq ?? 0) + 1;
    const doc = {
      ...meta,
      channel,
      status: 'pending' as const,
      capSlot: `${meta.customerId}|${channel}|${capSeq}`,
      capSeq,
      capAtMs: nowMs,
      attempt: 1,
      leaseUntilMs: input.leaseUntilMs,
      uncertain: false,
    };
    try {
      await models.Delivery.create(doc);
      return { kind: 'claimed', row: doc };
    } catch (err) {
      if (!isDuplicate(err)) throw err;
      const row = await findDelivery(models, meta.idempotencyKey);
      if (row) return { kind: 'exists', row };
      // Another send of this customer took the slot first: read the window again.
    }
  }
  throw new Error(`claiming a send slot for ${meta.customerId} on ${channel}: too much contention`);
}

/**
 * Takes over a `pending` row whose lease has expired (its attempt crashed or gave up), by inserting the
 * next attempt's marker: of two retries, one wins. Returns the row with the new attempt, or null.
 */
export async function takeOverDelivery(
  models: Models,
  row: DeliveryRow,
  leaseUntilMs: number,
): Promise<DeliveryRow | null> {
  const attempt = row.attempt + 1;
  try {
    await models.DeliveryAttempt.create({ _id: `${row.idempotencyKey}#${attempt}` });
  } catch (err) {
    if (isDuplicate(err)) return null;
    throw err;
  }
  await models.Delivery.updateOne({ idempotencyKey: row.idempotencyKey }, { $set: { attempt, leaseUntilMs } });
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
  await models.Delivery.updateOne({ idempotencyKey, status: 'pending' }, { $set });
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
  await models.Delivery.updateOne({ idempotencyKey }, { $set });
}
