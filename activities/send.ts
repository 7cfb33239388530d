/**
 * The `send` activity: re-checks the journey's status, then hands the message to the delivery
 * layer, which resolves the channel, checks consent, reserves the frequency-cap slot and claims the
 * ledger row atomically, renders and delivers exactly once per idempotency key.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { SendCommand, SendResultInput } from '../engine/index.js';
import { getJourneyHead } from '../store/journeys.js';
import { appendJournal } from '../store/journal.js';
import type { Models } from '../store/connection.js';
import type { AcceptedSend, DeliveryOutcome, Delivery } from './delivery-port.js';
import { isDeliveryRetryable } from './delivery-port.js';
import type { Answer, RequestInput } from './run-context.js';

export type SendAnswer = Answer<SendResultInput>;

/** The send activity's heartbeat details: what the provider answered, once it accepted. */
interface SendHeartbeat {
  accepted?: AcceptedSend;
}

/** Well inside the heartbeat timeout of the send's activity options (workflows/requests.ts). */
const HEARTBEAT_EVERY_MS = 4_000;

/**
 * Delivers one message. Answers `held` when the journey is paused (a pause signal may still be on
 * its way), `skipped`/`archived` when it is archived, else the delivery's outcome. Permanent
 * failures are answers (`failed` with a reason), never a failed workflow; a transient failure is a
 * retryable `ApplicationFailure` of type `DELIVERY_RETRYABLE` that waits `Retry-After` when given.
 */
export function makeSend(deps: { models: Models; delivery: Delivery }) {
  return async function send(input: RequestInput<SendCommand>): Promise<SendAnswer> {
    await appendJournal(deps.models, input.journal);
    const { command, run } = input;
    const base = { type: 'send_result', correlationId: command.correlationId } as const;
    const head = await getJourneyHead(deps.models, run.journeyId);
    if (head?.status === 'paused') return { ...base, status: 'held', channel: null, reason: 'paused', retryAtMs: null };
    if (head?.status === 'archived') {
      return { ...base, status: 'skipped', channel: null, reason: 'archived', retryAtMs: null };
    }
    // Heartbeats tell Temporal the send is alive (a dead worker's send is retried after the heartbeat
    // timeout, not the whole start-to-close timeout), and their details outlive the attempt: a message
    // the provider accepted while the ledger could not record it is recorded by the retry, not sent again.
    const context = Context.current();
    const prior = context.info.heartbeatDetails as SendHeartbeat | undefined;
    let details: SendHeartbeat = prior?.accepted ? { accepted: prior.accepted } : {};
    const beat = () => context.heartbeat(details);
    beat();
    const beating = setInterval(beat, HEARTBEAT_EVERY_MS);
    let outcome: DeliveryOutcome;
    try {
      outcome = await deps.delivery.deliver({
        deliveryKey: command.idempotencyKey,
        journeyId: run.journeyId,
        version: run.version,
        stepId: command.stepId,
        template: command.template,
        channel: command.channel,
        customerId: run.customerId,
        entryEventId: command.entryEventId,
        cap: command.cap,
        // Workflow time, so cap windows agree with the run's clock (and with the time-skipping server).
        nowMs: command.nowMs,
        accepted: prior?.accepted ?? null,
        // A retry reads the ledger first (it may find its own outcome); a first attempt goes straight on.
        firstAttempt: context.info.attempt === 1,
        onAccepted: (accepted) => {
          details = { accepted };
          beat();
        },
      });
    } catch (err) {
      if (!isDeliveryRetryable(err)) throw err;
      throw ApplicationFailure.create({
        message: err.message,
        type: 'DELIVERY_RETRYABLE',
        details: [{ code: err.code }],
        ...(err.retryAfterMs === null ? {} : { nextRetryDelay: err.retryAfterMs }),
      });
    } finally {
      clearInterval(beating);
    }
    return toAnswer(base, outcome);
  };
}

function toAnswer(base: { type: 'send_result'; correlationId: string }, outcome: DeliveryOutcome): SendAnswer {
  switch (outcome.status) {
    case 'sent':
      // An email resent after an attempt that may have been accepted too: the journal says so.
      return {
        ...base,
        status: 'sent',
        channel: outcome.channel,
        reason: outcome.uncertain ? 'possible-duplicate' : null,
        retryAtMs: null,
      };
    case 'skipped':
      return { ...base, status: 'skipped', channel: outcome.channel, reason: outcome.reason, retryAtMs: null };
    case 'failed':
      return { ...base, status: 'failed', channel: outcome.channel, reason: outcome.reason, retryAtMs: null };
    case 'capped':
      return {
        ...base,
        status: 'capped',
        channel: outcome.channel,
        reason: 'frequency-cap',
        retryAtMs: outcome.retryAtMs,
      };
  }
}
