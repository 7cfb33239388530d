/**
 * The re-entry ledger: decides atomically whether a customer may enter a journey (never / always /
 * after a duration), remembers each decision by entry key, and knows which runs are still open.
 */
import type { ReentryPlan } from '../definitions/plan.js';
import { ENTRY_GRANT_PREFIX as GRANT_PREFIX, ENTRY_STARTED_PREFIX as STARTED_PREFIX } from './models/entry.js';
import { isDuplicateKeyError } from './errors.js';
import type { Models } from './models/index.js';

export interface EntryClaim {
  journeyId: string;
  customerId: string;
  /** The entry event id, or `start:<ms>`: the same key always gets the same answer. */
  entryKey: string;
  reentry: ReentryPlan;
  /** When the entry happens (workflow time), epoch ms. */
  nowMs: number;
  workflowId: string;
  version: number;
  /**
   * A keyed entry's key value: the re-entry policy then counts the grants of this key alone (one run
   * per customer and key). Absent: the grants of the customer.
   */
  scope?: string;
  /**
   * The run claiming. A decision belongs to the run that first asked: the same entry key claimed by
   * another run (an entry event routed again after its run ended, a segment page retried) is refused.
   */
  runId?: string;
}

// The row holding the number of the last grant (a hint: grants themselves decide).
const GRANT_HINT = '#grants';

/** The ledger key of grant number `seq` (of a key's grants when scoped). */
function grantKey(scope: string | undefined, seq: number): string {
  const scoped = scope === undefined ? '' : `${JSON.stringify(scope)}:`;
  return `${GRANT_PREFIX}${scoped}${String(seq).padStart(8, '0')}`;
}

/** The ledger key of the hint row (of a key's grants when scoped). */
function hintKey(scope: string | undefined): string {
  return scope === undefined ? GRANT_HINT : `${GRANT_HINT}:${JSON.stringify(scope)}`;
}

/**
 * Whether the customer may enter now. Idempotent: the decision is stored under the entry key and a
 * repeated claim (an activity retry, a re-issue after continue-as-new) returns it. The decision is one
 * conditional write on the customer's head row, so concurrent claims with different keys grant at most
 * what the policy allows: `never` grants one entry ever, `after` one per window, `always` every one.
 */
export async function claimEntry(models: Models, claim: EntryClaim): Promise<boolean> {
  const granted = await recordClaim(models, claim);
  // The decision row is written: a granted run is an open ledger row from now on, a denied one ends.
  if (claim.scope !== undefined) await forgetStartedRun(models, claim);
  return granted;
}

async function recordClaim(models: Models, claim: EntryClaim): Promise<boolean> {
  const { Entry } = models;
  const { journeyId, customerId, entryKey } = claim;
  for (const prefix of [GRANT_PREFIX, STARTED_PREFIX]) {
    if (entryKey.startsWith(prefix)) throw new Error(`entry keys starting "${prefix}" are reserved`);
  }
  const _id = entryId(journeyId, customerId, entryKey);
  const known = await Entry.findById(_id, { granted: 1, runId: 1 }).lean();
  if (known?.granted != null) return known.granted && sameRun(known.runId, claim.runId);
  const granted = await decide(models, claim);
  try {
    await Entry.create({
      _id,
      journeyId,
      customerId,
      entryKey,
      granted,
      enteredMs: claim.nowMs,
      workflowId: claim.workflowId,
      version: claim.version,
      ...(claim.runId === undefined ? {} : { runId: claim.runId }),
    });
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
  }
  // A concurrent claim with the same key may have recorded first: its answer is the answer.
  const row = await Entry.findById(_id, { granted: 1, runId: 1 }).lean();
  return row?.granted == null ? granted : row.granted && sameRun(row.runId, claim.runId);
}

/** Whether a decision recorded for run `recorded` answers run `asking` (rows from before run ids answer every run). */
function sameRun(recorded: string | null | undefined, asking: string | undefined): boolean {
  return recorded == null || asking === undefined || recorded === asking;
}

/**
 * Grants are numbered rows (`#grant:00000001`, ...) keyed by `_id`: a grant is the insert of the
 * next number, so of concurrent claims that all see the policy allow it, exactly one inserts it
 * (FerretDB does not re-check an update's filter against a concurrent write, so a conditional update
 * would let them all through). Every read is by `_id`, the only lookup FerretDB v1 does not scan for.
 */
async function decide(models: Models, claim: EntryClaim): Promise<boolean> {
  const { journeyId, customerId, entryKey, reentry, nowMs } = claim;
  if (reentry.policy === 'always') return true;
  const last = await lastGrant(models, journeyId, customerId, claim.scope);
  // This very claim was granted before its decision row was written (a re-executed claim).
  if (last?.lastEntryKey === entryKey) return true;
  if (last && (reentry.policy === 'never' || last.enteredMs > nowMs - reentry.afterMs)) return false;
  const seq = (last?.seq ?? 0) + 1;
  const key = grantKey(claim.scope, seq);
  try {
    await models.Entry.create({
      _id: entryId(journeyId, customerId, key),
      journeyId,
      customerId,
      entryKey: key,
      enteredMs: nowMs,
      lastEntryKey: entryKey,
    });
  } catch (err) {
    if (isDuplicateKeyError(err)) return false;
    throw err;
  }
  // The hint only saves reads: a stale one is walked forward in lastGrant.
  await models.Entry.updateOne(
    { _id: entryId(journeyId, customerId, hintKey(claim.scope)) },
    { $max: { enteredMs: seq }, $setOnInsert: { journeyId, customerId, entryKey: hintKey(claim.scope) } },
    { upsert: true },
  ).catch((err: unknown) => {
    if (!isDuplicateKeyError(err)) throw err;
  });
  return true;
}

/** The latest grant row, found from the hint by `_id` probes. */
async function lastGrant(models: Models, journeyId: string, customerId: string, scope: string | undefined) {
  const hint = await models.Entry.findById(entryId(journeyId, customerId, hintKey(scope)), { enteredMs: 1 }).lean();
  let seq = hint?.enteredMs ?? 0;
  let last: { seq: number; enteredMs: number; lastEntryKey: string | null } | null = null;
  for (;;) {
    const key = grantKey(scope, seq === 0 ? 1 : seq);
    const row = await models.Entry.findById(entryId(journeyId, customerId, key), {
      enteredMs: 1,
      lastEntryKey: 1,
    }).lean();
    if (row === null) return last;
    last = { seq: seq === 0 ? 1 : seq, enteredMs: row.enteredMs, lastEntryKey: row.lastEntryKey ?? null };
    seq = last.seq + 1;
  }
}

/** The `_id` of a ledger row: journey, customer and key as a JSON array, so no two triples share one. */
function entryId(journeyId: string, customerId: string, entryKey: string): string {
  return JSON.stringify([journeyId, customerId, entryKey]);
}

/** Records that a run ended, so control signals no longer go to it. Idempotent. */
export async function closeEntry(
  models: Models,
  entry: { journeyId: string; customerId: string; entryKey: string; outcome: string },
): Promise<void> {
  const { journeyId, customerId, entryKey, outcome } = entry;
  await models.Entry.updateOne(
    { _id: entryId(journeyId, customerId, entryKey), outcome: null },
    { $set: { outcome, endedAt: new Date() } },
  );
}

/**
 * One page of the workflow ids of a journey's open runs (granted, not ended), in ledger order, after
 * `afterId` (the `next` of the previous page; `null` for the first).
 */
export async function listOpenRuns(
  models: Models,
  query: { journeyId: string; afterId: string | null; limit: number },
): Promise<{ workflowIds: string[]; next: string | null }> {
  const filter: Record<string, unknown> = { journeyId: query.journeyId, granted: true, outcome: null };
  if (query.afterId !== null) filter._id = { $gt: query.afterId };
  const rows = await models.Entry.find(filter, { workflowId: 1 }).sort({ _id: 1 }).limit(query.limit).lean();
  const workflowIds = [...new Set(rows.map((r) => r.workflowId).filter((id): id is string => typeof id === 'string'))];
  const last = rows[rows.length - 1];
  return { workflowIds, next: rows.length < query.limit || !last ? null : String(last._id) };
}

/**
 * The workflow ids of every open run of one customer, across journeys (erasure, and events without the
 * key of a keyed journey): the granted entries not ended, and the keyed runs started whose claim is not
 * answered yet. A started row left by a run that failed before its claim names a run that is gone: a
 * signal to it finds no run.
 */
export async function listCustomerOpenRuns(models: Models, customerId: string): Promise<string[]> {
  // The started rows first, the ledger after: a claim writes its decision row before it deletes the
  // started row, so a run whose started row is gone by the first read is in the ledger by the second.
  // Read the other way round (or side by side), a claim landing between the reads would hide the run.
  const started = await models.Entry.find({ customerId, started: true }, { workflowId: 1 }).lean();
  const open = await models.Entry.find({ customerId, granted: true, outcome: null }, { workflowId: 1 }).lean();
  const ids = [...open, ...started].map((r) => r.workflowId);
  return [...new Set(ids.filter((id): id is string => typeof id === 'string'))];
}

/** A keyed run as `enterJourney` starts it: its journey, customer, entry event id and workflow id. */
export interface StartedRun {
  journeyId: string;
  customerId: string;
  /** The entry event's id: the run's entry key, which its claim names. */
  entryKey: string;
  workflowId: string;
  /** The entry event's time, epoch ms. */
  enteredMs: number;
}

/**
 * Records a keyed run about to start, before its start, so that an event without the key sent right
 * after finds it while its entry claim is out (the ledger knows the run only once the claim is
 * answered). One insert with a unique `_id` (atomic on FerretDB); the claim deletes it. Returns whether
 * this call wrote it (false: a row for the same entry event is there already, another caller's).
 */
export async function recordStartedRun(models: Models, run: StartedRun): Promise<boolean> {
  const { journeyId, customerId, workflowId, enteredMs } = run;
  const entryKey = `${STARTED_PREFIX}${run.entryKey}`;
  try {
    await models.Entry.create({
      _id: entryId(journeyId, customerId, entryKey),
      journeyId,
      customerId,
      entryKey,
      enteredMs,
      workflowId,
      started: true,
    });
    return true;
  } catch (err) {
    if (isDuplicateKeyError(err)) return false;
    throw err;
  }
}

/** Deletes the started row of a run (its claim was answered, or its start was refused). Idempotent. */
export async function forgetStartedRun(
  models: Models,
  run: { journeyId: string; customerId: string; entryKey: string },
): Promise<void> {
  await models.Entry.deleteOne({ _id: entryId(run.journeyId, run.customerId, `${STARTED_PREFIX}${run.entryKey}`) });
}

/**
 * Deletes every ledger row of a customer (erasure, once their runs are ended): the rows name the
 * customer, and a customer created again under the same id is a new person whose entries start from
 * nothing. Funnels do not read this ledger (they read the pseudonymised journal). Returns how many.
 */
export async function deleteCustomerEntries(models: Models, customerId: string): Promise<number> {
  const result = await models.Entry.deleteMany({ customerId });
  return result.deletedCount;
}

/** A granted entry of the ledger as re-entry checks read it; `outcome` is absent while the run is inside. */
export interface GrantedEntry {
  customerId: string;
  enteredMs: number;
  outcome?: string | null;
}

/** The granted entries of the given customers in a journey (one read for the whole list). */
export async function findGrantedEntries(
  models: Models,
  journeyId: string,
  customerIds: readonly string[],
): Promise<GrantedEntry[]> {
  return models.Entry.find(
    { journeyId, customerId: { $in: customerIds }, granted: true },
    { customerId: 1, enteredMs: 1, outcome: 1, _id: 0 },
  ).lean<GrantedEntry[]>();
}
