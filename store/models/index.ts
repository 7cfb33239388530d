import type { Connection } from 'mongoose';
import { customerModel } from './customer.js';
import { deliveryClaimModel, deliveryModel } from './delivery.js';
import { eventModel } from './event.js';
import { entryModel } from './entry.js';
import { journalModel } from './journal.js';
import { journeyHeadModel } from './journey-head.js';
import { journeyModel } from './journey.js';

/** Builds every model on one connection. */
export function createModels(connection: Connection) {
  return {
    Customer: customerModel(connection),
    Event: eventModel(connection),
    Delivery: deliveryModel(connection),
    DeliveryClaim: deliveryClaimModel(connection),
    Journey: journeyModel(connection),
    JourneyHead: journeyHeadModel(connection),
    Entry: entryModel(connection),
    JournalRow: journalModel(connection),
  };
}

export type Models = ReturnType<typeof createModels>;
