/**
 * What the `send` activity needs of the delivery layer (`channels/deliver.ts`), named here so the
 * activity depends on the interface, not on the senders behind it.
 */
import type { AcceptedSend, DeliveryOutcome, DeliveryRequest } from '../channels/deliver.js';
import { DeliveryRetryableError } from '../channels/deliver.js';

export type { AcceptedSend, DeliveryOutcome, DeliveryRequest };

/** The delivery layer as the send activity calls it. */
export interface Delivery {
  deliver(req: DeliveryRequest): Promise<DeliveryOutcome>;
}

/** A transient delivery failure (SMTP 4xx, connection loss, LINE 5xx/429): the activity retries. */
export function isDeliveryRetryable(err: unknown): err is DeliveryRetryableError {
  return err instanceof DeliveryRetryableError;
}
