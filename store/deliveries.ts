/**
 * The send ledger (`deliveries`): the only code that reads or writes it. Every decision that must
 * hold under concurrency is an insert with a unique `_id` (see `models/delivery.ts` for why not an
 * update), and every lookup is by `_id` (the delivery key).
 */
import { releaseSlot, reserveSlot } from './delivery-slots.js';
import { isDuplicateKeyError } from './errors.js';
import { groupedPerStore } from './group-commit.js';
import type { Models } from './models/index.js';

/** Claims of concurrent sends go in together: one `insertMany`, each answered as its own insert. */
const insertClaim = groupedPerStore((models: Models) => (docs) => models.Delivery.insertMany(docs, { ordered: false }));

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
  /** The frequency-cap slot the claim took (`store/delivery-slots.ts`). */
  slotId?: string | null;
}

/** The answer of {@link claimDelivery}. */
export type ClaimResult =
  { kind: 'claimed'; row: DeliveryRow } | { kind: 'capped'; retryAtMs: number } | { kind: 'exists'; row: DeliveryRow };

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
    if (!isDuplicateKeyError(err)) throw err;
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
  // The head hint and the claim go out together: one round trip instead of two in a row. A failed hint
  // decides nothing (a stale hint costs probes later), so only the claim's answer counts.
  const [claimed] = await Promise.allSettled([insertClaim(models, doc), slot.hint]);
  if (claimed.status === 'fulfilled') return { kind: 'claimed', row: doc };
  const err: unknown = claimed.reason;
  if (!isDuplicateKeyError(err)) throw err;
  await releaseSlot(models, slot.slotId);
  const row = await findDelivery(models, meta.idempotencyKey);
  if (!row) throw err;
  return { kind: 'exists', row };
}

/** Who holds a `pending` row now, read from the row and the takeover claims (see {@link takeOverDelivery}). */
export interface DeliveryLease {
  attempt: number;
  leaseUntilMs: number;
  /** An earlier attempt may have been accepted by the provider. */
  uncertain: boolean;
}

const attemptId = (idempotencyKey: string, attempt: number) => `attempt|${idempotencyKey}|${attempt}`;

/**
 * The current attempt of a row and its lease. The row's `attempt` is a hint: the truth is the highest
 * `attempt|<key>|<n>` claim, found by trying ids upwards from the hint (usually no more than one read).
 * While the row's hint names that attempt, the row's lease is the current one (its holder releases it
 * there); otherwise the claim's lease is, as inserted by the takeover.
 */
export async function readLease(models: Models, row: DeliveryRow): Promise<DeliveryLease> {
  let lease: DeliveryLease = { attempt: row.attempt, leaseUntilMs: row.leaseUntilMs, uncertain: row.uncertain };
  for (;;) {
    const next = await models.DeliveryClaim.findById(attemptId(row.idempotencyKey, lease.attempt + 1)).lean<{
      leaseUntilMs?: number;
      uncertain?: boolean;
    }>();
    if (!next) return lease;
    lease = {
      attempt: lease.attempt + 1,
      leaseUntilMs: next.leaseUntilMs ?? 0,
      uncertain: lease.uncertain || next.uncertain === true,
    };
  }
}

/**
 * Takes over a `pending` row whose lease has expired (its attempt crashed, hung or gave up) with one
 * insert: the claim `attempt|<key>|<n+1>` carrying the new lease. Of two retries one wins; the loser
 * gets null. An attempt that let its lease run out without releasing it may have reached the provider,
 * so taking over from it marks the delivery `uncertain`. The row is then updated as a hint only: when
 * that update fails, the claim still says who holds the row, so later retries are not blocked.
 */
export async function takeOverDelivery(
  models: Models,
  row: DeliveryRow,
  lease: DeliveryLease,
  leaseUntilMs: number,
): Promise<DeliveryRow | null> {
  const attempt = lease.attempt + 1;
  // Released leases are 0; an expired one that was never released belongs to an attempt that died.
  const uncertain = lease.uncertain || lease.leaseUntilMs > 0;
  try {
    await models.DeliveryClaim.create({ _id: attemptId(row.idempotencyKey, attempt), leaseUntilMs, uncertain });
  } catch (err) {
    if (isDuplicateKeyError(err)) return null;
    throw err;
  }
  await models.Delivery.updateOne({ _id: row.idempotencyKey }, { $set: { attempt, leaseUntilMs, uncertain } }).catch(
    () => undefined,
  );
  return { ...row, attempt, leaseUntilMs, uncertain };
}

/**
 * Ends the lease of a pending row after a transient failure that proves nothing reached the provider,
 * or left it in doubt (`uncertain`), so the next retry may go at once. Never called once the provider
 * accepted the message: that row keeps its lease until `sent` is recorded.
 */
export async function releaseDelivery(
  models: Models,
  row: Pick<DeliveryRow, 'idempotencyKey' | 'attempt'>,
  info: { uncertain: boolean; detail: string },
): Promise<void> {
  // Naming the attempt makes the row's lease the current one again (see readLease).
  const $set: Record<string, unknown> = { attempt: row.attempt, leaseUntilMs: 0, detail: info.detail };
  // Once uncertain, always: a later clean failure does not prove the earlier attempt was not accepted.
  if (info.uncertain) $set.uncertain = true;
  await models.Delivery.updateOne({ _id: row.idempotencyKey }, { $set });
}

/**
 * Extends the lease of the attempt that holds the row while its provider call runs, so a slow call is
 * not taken over and a dead attempt's lease runs out soon. Only the holder writes, and never while
 * another of its writes to the row is under way (FerretDB v1 rewrites the whole document).
 */
export async function renewDelivery(
  models: Models,
  row: Pick<DeliveryRow, 'idempotencyKey' | 'attempt'>,
  leaseUntilMs: number,
): Promise<void> {
  await models.Delivery.updateOne({ _id: row.idempotencyKey }, { $set: { attempt: row.attempt, leaseUntilMs } });
}

/** How a claimed send ended. */
export type DeliveryEnd =
  | { status: 'sent'; providerMessageId: string; providerResponse?: string; uncertain?: boolean }
  | { status: 'failed'; reason: string; detail?: string; uncertain?: boolean }
  | { status: 'skipped'; reason: string; detail?: string };

/** One finishing write of {@link finishDeliveries}. */
export interface DeliveryFinish {
  idempotencyKey: string;
  outcome: DeliveryEnd;
}

function endFields(outcome: DeliveryEnd, now: Date): Record<string, unknown> {
  return { ...outcome, finishedAt: now, leaseUntilMs: 0, ...(outcome.status === 'sent' ? { sentAt: now } : {}) };
}

/** Records the end of a claimed send. Only the attempt holding the lease calls this. */
export async function finishDelivery(models: Models, idempotencyKey: string, outcome: DeliveryEnd): Promise<void> {
  await models.Delivery.updateOne({ _id: idempotencyKey }, { $set: endFields(outcome, new Date()) });
}

/**
 * Ends a claimed send that will not be made after all (the LINE budget is used): `skipped` with the
 * reason, and its frequency-cap slot given back, since no message went out. Only the lease holder calls it.
 */
export async function skipClaimedDelivery(
  models: Models,
  row: Pick<DeliveryRow, 'idempotencyKey' | 'slotId'>,
  skip: { reason: string; detail: string },
): Promise<void> {
  await finishDelivery(models, row.idempotencyKey, { status: 'skipped', ...skip });
  if (row.slotId) await releaseSlot(models, row.slotId);
}

/**
 * Records the ends of several claimed sends in one unordered bulk write: one round trip for the sends
 * that finished together. Each row is still written only by the attempt holding its lease. Throws when
 * the write failed (nothing can then be assumed recorded: each caller retries its own row).
 */
export async function finishDeliveries(models: Models, finishes: readonly DeliveryFinish[]): Promise<void[]> {
  if (finishes.length === 0) return [];
  const now = new Date();
  await models.Delivery.bulkWrite(
    finishes.map((f) => ({
      updateOne: { filter: { _id: f.idempotencyKey }, update: { $set: endFields(f.outcome, now) } },
    })),
    { ordered: false },
  );
  return finishes.map(() => undefined);
}

/** How many ledger rows there are of one channel and status (either absent on rows that never had one). */
export interface SendCount {
  channel: string | null;
  status: string | null;
  count: number;
}

/**
 * The ledger's rows counted by channel and status: one `$group` over the ledger (a scan on FerretDB),
 * given at most `maxTimeMs` (default 5 s) before it fails.
 */
export async function countSendsByChannelAndStatus(
  models: Models,
  opts: { maxTimeMs?: number } = {},
): Promise<SendCount[]> {
  const groups = await models.Delivery.aggregate<{
    _id: { channel?: string | null; status?: string | null };
    n: number;
  }>([{ $group: { _id: { channel: '$channel', status: '$status' }, n: { $sum: 1 } } }]).option({
    maxTimeMS: opts.maxTimeMs ?? 5_000,
  });
  return groups.map((g) => ({ channel: g._id.channel ?? null, status: g._id.status ?? null, count: g.n }));
}
