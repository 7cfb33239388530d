import type { Connection } from 'mongoose';
import { customerModel } from './customer.js';
import { deliveryClaimModel, deliveryModel } from './delivery.js';
import { eventModel } from './event.js';
import { journeyModel } from './journey.js';

/** Builds every model on one connection. */
export function createModels(connection: Connection) {
  return {
    Customer: customerModel(connection),
    Event: eventModel(connection),
    Delivery: deliveryModel(connection),
    DeliveryClaim: deliveryClaimModel(connection),
    Journey: journeyModel(connection),
  };
}

export type Models = ReturnType<typeof createModels>;
