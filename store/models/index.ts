import type { Connection } from 'mongoose';
import { apiKeyModel } from './apikey.js';
import { customerModel } from './customer.js';
import { deliveryModel } from './delivery.js';
import { eventModel } from './event.js';
import { journeyModel } from './journey.js';

/** Builds every model on one connection. */
export function createModels(connection: Connection) {
  return {
    Customer: customerModel(connection),
    Event: eventModel(connection),
    Delivery: deliveryModel(connection),
    Journey: journeyModel(connection),
    ApiKey: apiKeyModel(connection),
  };
}

export type Models = ReturnType<typeof createModels>;
