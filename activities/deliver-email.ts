import { ApplicationFailure } from '@temporalio/activity';
import { EmailDeliveryError, type EmailSender } from '../channels/email.js';
import type { Models } from '../store/models/index.js';

export interface DeliverEmailInput {
  customerId: string;
  subject: string;
  text: string;
  /** Unique per (workflow id, step id, entry): the delivery ledger's key. */
  idempotencyKey: string;
}

export interface DeliverEmailResult {
  status: 'sent' | 'already-sent';
  messageId: string;
}

/**
 * Sends one email to a customer, at most once per idempotency key: the ledger row is claimed before
 * the SMTP call, and a retry after a successful send returns the recorded result.
 *
 * Fails non-retryably with type `CUSTOMER_NOT_FOUND`, `NO_EMAIL_ADDRESS` or `EMAIL_REJECTED`;
 * retryably with `EMAIL_UNAVAILABLE` (SMTP 4xx, connection errors).
 */
export function makeDeliverEmail(deps: { models: Models; email: EmailSender }) {
  const { Customer, Delivery } = deps.models;
  return async function deliverEmail(input: DeliverEmailInput): Promise<DeliverEmailResult> {
    const customer = await Customer.findOne({ customerId: input.customerId }).lean();
    if (!customer)
      throw ApplicationFailure.nonRetryable(`customer ${input.customerId} not found`, 'CUSTOMER_NOT_FOUND');
    if (!customer.email) {
      throw ApplicationFailure.nonRetryable(`customer ${input.customerId} has no email address`, 'NO_EMAIL_ADDRESS');
    }
    const row = await Delivery.findOneAndUpdate(
      { idempotencyKey: input.idempotencyKey },
      { $setOnInsert: { customerId: input.customerId, channel: 'email', status: 'pending' } },
      { upsert: true, returnDocument: 'after' },
    ).lean();
    if (row.status === 'sent' && row.providerMessageId) {
      return { status: 'already-sent', messageId: row.providerMessageId };
    }
    try {
      const sent = await deps.email.sendEmail({ to: customer.email, ...input });
      await Delivery.updateOne(
        { idempotencyKey: input.idempotencyKey },
        { $set: { status: 'sent', providerMessageId: sent.messageId, sentAt: new Date() } },
      );
      return { status: 'sent', messageId: sent.messageId };
    } catch (err) {
      if (!(err instanceof EmailDeliveryError)) throw err;
      await Delivery.updateOne(
        { idempotencyKey: input.idempotencyKey },
        { $set: { status: 'failed', error: { code: err.code, message: err.message, permanent: err.permanent } } },
      );
      throw ApplicationFailure.create({ message: err.message, type: err.code, nonRetryable: err.permanent });
    }
  };
}
