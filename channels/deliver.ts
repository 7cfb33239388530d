/**
 * The send path: one call per engine `send` command. Resolves the channel, checks consent, renders the
 * pinned template, reserves the frequency-cap slot and claims the ledger row in one insert, calls the
 * provider and records the outcome. Knows nothing of Temporal: transient failures leave as
 * {@link DeliveryRetryableError}, which the `send` activity rethrows as a retryable failure.
 *
 * Exactly once per delivery key: the ledger row is inserted (unique key) before the provider call, so
 * of two concurrent attempts only one calls the provider. A retry that finds the row finished returns
 * the recorded outcome; one that finds it `pending` waits for the lease, then resends under the same
 * LINE retry key (LINE deduplicates) or the same Message-ID (see `docs/delivery.md` for SMTP).
 */
import { findProfile } from '../store/customers.js';
import {
  claimDelivery,
  findDelivery,
  finishDeliveries,
  finishDelivery,
  readLease,
  recordFinished,
  skipClaimedDelivery,
  takeOverDelivery,
  type DeliveryFinish,
  type DeliveryMeta,
  type DeliveryRow,
} from '../store/deliveries.js';
import { createGroupCommit } from '../store/group-commit.js';
import { consentBlock, resolveChannel } from '../definitions/consent.js';
import { prepareContent, type PreparedContent } from './deliver-content.js';
import { callProvider, recordSent, sentOutcome } from './deliver-provider.js';
import {
  DEFAULT_LEASE_MS,
  DeliveryRetryableError,
  type Delivery,
  type DeliveryDeps,
  type DeliveryOutcome,
  type DeliveryRequest,
} from './delivery-types.js';
import { TemplateRenderError } from './render.js';

export * from './delivery-types.js';

/** Builds the send path on its dependencies. */
export function createDelivery(deps: DeliveryDeps): Delivery {
  // Sends that finish together record their outcomes in one bulk write (the ledger's last write).
  const finishes = createGroupCommit((items: DeliveryFinish[]) => finishDeliveries(deps.models, items));
  const grouped: DeliveryDeps = { finishSent: (finish) => finishes.submit(finish), ...deps };
  return {
    deliver: (req) => deliver(grouped, req),
    close: () => deps.email.close(),
  };
}

async function deliver(deps: DeliveryDeps, req: DeliveryRequest): Promise<DeliveryOutcome> {
  const meta: DeliveryMeta = {
    idempotencyKey: req.deliveryKey,
    customerId: req.customerId,
    journeyId: req.journeyId,
    version: req.version,
    stepId: req.stepId,
    template: req.template,
  };
  // Both reads at once: a first attempt (the usual case) needs the profile anyway. On the activity's
  // first attempt the ledger is not read: an earlier row still wins at the claim or the early finish.
  const [existing, profile] = await Promise.all([
    req.firstAttempt ? null : findDelivery(deps.models, req.deliveryKey),
    findProfile(deps.models, req.customerId),
  ]);
  if (existing) return resume(deps, req, existing);
  const early = (channel: 'email' | 'line' | null, status: 'skipped' | 'failed', reason: string, detail?: string) =>
    finishEarly(deps, req, meta, { channel, status, reason, ...(detail ? { detail } : {}) });
  if (!profile) return early(null, 'skipped', 'unknown-customer');
  const channel = resolveChannel(req.channel, profile);
  if (channel === 'line' && !deps.line) return early(channel, 'skipped', 'line-not-configured');
  const blocked = consentBlock(channel, profile);
  if (blocked) return early(channel, 'skipped', blocked);
  if (channel === 'line' && deps.lineBudget) {
    // A look only (the count is taken right before the push): a used budget spends no cap slot.
    const budget = await deps.lineBudget.check({ journeyId: req.journeyId, version: req.version });
    if (!budget.ok) return early(channel, 'skipped', 'line-budget', budget.detail);
  }
  const content = await prepareOrFail(deps, req, channel, profile);
  if ('status' in content) return early(channel, 'failed', content.reason, content.detail);
  return claimAndSend(deps, req, meta, content);
}

/** Takes the cap slot and the ledger row, then sends; a row of the key found on the way wins. */
async function claimAndSend(
  deps: DeliveryDeps,
  req: DeliveryRequest,
  meta: DeliveryMeta,
  content: PreparedContent,
): Promise<DeliveryOutcome> {
  const { channel } = content;
  const claim = await claimDelivery(deps.models, {
    meta,
    channel,
    cap: req.cap,
    nowMs: req.nowMs,
    leaseUntilMs: now(deps) + leaseMs(deps),
  });
  if (claim.kind === 'capped') {
    // The cap counts this key's own earlier slot too: a row not read up front is read now, and wins.
    const row = req.firstAttempt ? await findDelivery(deps.models, req.deliveryKey) : null;
    if (row) return resume(deps, req, row);
    return { status: 'capped', channel, retryAtMs: claim.retryAtMs };
  }
  if (claim.kind === 'exists') return resume(deps, req, claim.row);
  return sendClaimed(deps, req, claim.row, content);
}

/**
 * Counts a LINE message in the budget right before its push (a retry of a counted one is let through,
 * so a message never counts twice), then calls the provider. Past the budget the claimed row ends
 * `skipped` with reason `line-budget`, and the engine takes the step's fallback channel.
 */
async function sendClaimed(
  deps: DeliveryDeps,
  req: DeliveryRequest,
  row: DeliveryRow,
  content: PreparedContent,
): Promise<DeliveryOutcome> {
  if (content.channel === 'line' && deps.lineBudget) {
    const { journeyId, version } = req;
    const budget = await deps.lineBudget.charge({ deliveryKey: row.idempotencyKey, journeyId, version });
    if (!budget.ok) {
      await skipClaimedDelivery(deps.models, row, { reason: 'line-budget', detail: budget.detail });
      return { status: 'skipped', channel: 'line', reason: 'line-budget' };
    }
  }
  return callProvider(deps, req, row, content);
}

/**
 * A retry or the loser of a race: the recorded outcome, the record of a send an earlier attempt saw
 * accepted, or a takeover of an abandoned attempt.
 */
async function resume(deps: DeliveryDeps, req: DeliveryRequest, row: DeliveryRow): Promise<DeliveryOutcome> {
  if (row.status !== 'pending') return recordedOutcome(row);
  const channel = row.channel ?? 'email';
  const lease = await readLease(deps.models, row);
  if (req.accepted) {
    // The provider has it; only the ledger write failed. Whoever holds the lease, this is the answer,
    // in doubt only if an attempt before the accepted one was (the takeover claims say).
    const held = { ...row, uncertain: lease.uncertain };
    await recordSent(deps, held, req.accepted);
    return sentOutcome(channel, req.accepted, held.uncertain);
  }
  const waitMs = lease.leaseUntilMs - now(deps);
  if (waitMs > 0) {
    throw new DeliveryRetryableError(
      'DELIVERY_IN_PROGRESS',
      `delivery ${row.idempotencyKey} is being sent by another attempt`,
      waitMs,
    );
  }
  // A lease that ran out without being released belongs to an attempt that died, maybe mid-call.
  const uncertain = lease.uncertain || lease.leaseUntilMs > 0;
  if (channel === 'email' && uncertain && deps.emailUncertain === 'fail') {
    return finishClaimed(
      deps,
      { ...row, uncertain },
      'outcome-unknown',
      'an earlier attempt may have been accepted by the server',
    );
  }
  const profile = await findProfile(deps.models, req.customerId);
  if (!profile) return finishClaimed(deps, row, 'unknown-customer', 'the customer was erased during the send');
  const taken = await takeOverDelivery(deps.models, row, lease, now(deps) + leaseMs(deps));
  if (!taken) {
    throw new DeliveryRetryableError('DELIVERY_IN_PROGRESS', `delivery ${row.idempotencyKey} was taken over`, 1000);
  }
  const content = await prepareOrFail(deps, req, channel, profile);
  if ('status' in content) return finishClaimed(deps, taken, content.reason, content.detail);
  return sendClaimed(deps, req, taken, content);
}

function recordedOutcome(row: DeliveryRow): DeliveryOutcome {
  const channel = row.channel ?? 'email';
  switch (row.status) {
    case 'sent':
      return {
        status: 'sent',
        channel,
        providerId: row.providerMessageId ?? '',
        ...(row.uncertain && channel === 'email' ? { uncertain: true } : {}),
      };
    case 'skipped':
      return { status: 'skipped', channel: row.channel, reason: row.reason ?? 'unknown' };
    case 'failed':
      return {
        status: 'failed',
        channel,
        reason: row.reason ?? 'unknown',
        ...(row.detail ? { detail: row.detail } : {}),
      };
    default:
      throw new Error(`delivery ${row.idempotencyKey} is still pending`);
  }
}

type FailedOutcome = Extract<DeliveryOutcome, { status: 'failed' }>;

async function prepareOrFail(
  deps: DeliveryDeps,
  req: DeliveryRequest,
  channel: 'email' | 'line',
  profile: Parameters<typeof prepareContent>[3],
): Promise<PreparedContent | FailedOutcome> {
  try {
    return await prepareContent(deps, req, channel, profile);
  } catch (err) {
    if (!(err instanceof TemplateRenderError)) throw err;
    return { status: 'failed', channel, reason: 'template-error', detail: err.message };
  }
}

/**
 * Records a send that ends before any provider call. When the key already has a row, that row wins: its
 * outcome, or, while it is `pending` (another attempt is sending), the lease rules of {@link resume}.
 */
async function finishEarly(
  deps: DeliveryDeps,
  req: DeliveryRequest,
  meta: DeliveryMeta,
  outcome: { channel: 'email' | 'line' | null; status: 'skipped' | 'failed'; reason: string; detail?: string },
): Promise<DeliveryOutcome> {
  const row = await recordFinished(deps.models, meta, outcome);
  if (row.status === 'pending') return resume(deps, req, row);
  return recordedOutcome(row);
}

async function finishClaimed(
  deps: DeliveryDeps,
  row: DeliveryRow,
  reason: string,
  detail?: string,
): Promise<DeliveryOutcome> {
  const uncertain = row.uncertain ? { uncertain: true } : {};
  await finishDelivery(deps.models, row.idempotencyKey, {
    status: 'failed',
    reason,
    ...(detail ? { detail } : {}),
    ...uncertain,
  });
  return { status: 'failed', channel: row.channel ?? 'email', reason, ...(detail ? { detail } : {}) };
}

const now = (deps: DeliveryDeps) => (deps.clock ?? Date.now)();
const leaseMs = (deps: DeliveryDeps) => deps.leaseMs ?? DEFAULT_LEASE_MS;
