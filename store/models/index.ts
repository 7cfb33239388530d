import type { Connection } from 'mongoose';
import { apiKeyModel } from './apikey.js';
import { consoleSessionModel } from './console-session.js';
import { customerModel } from './customer.js';
import { deliveryClaimModel, deliveryModel } from './delivery.js';
import { eventModel, eventOutboxModel, eventResultModel } from './event.js';
import { entryModel } from './entry.js';
import { journalModel } from './journal.js';
import { journalCountModel, journalMarkModel } from './journal-count.js';
import { journeyHeadModel } from './journey-head.js';
import { journeyModel } from './journey.js';
import { lineBudgetSlotModel } from './line-budget.js';
import { routeLoginModel, routeModel, routeTouchModel } from './route.js';

/** Builds every model on one connection. */
export function createModels(connection: Connection) {
  return {
    Customer: customerModel(connection),
    Event: eventModel(connection),
    Delivery: deliveryModel(connection),
    DeliveryClaim: deliveryClaimModel(connection),
    Journey: journeyModel(connection),
    ApiKey: apiKeyModel(connection),
    EventOutbox: eventOutboxModel(connection),
    EventResult: eventResultModel(connection),
    JourneyHead: journeyHeadModel(connection),
    Entry: entryModel(connection),
    JournalRow: journalModel(connection),
    JournalCount: journalCountModel(connection),
    JournalMark: journalMarkModel(connection),
    Route: routeModel(connection),
    RouteLogin: routeLoginModel(connection),
    RouteTouch: routeTouchModel(connection),
    LineBudgetSlot: lineBudgetSlotModel(connection),
    ConsoleSession: consoleSessionModel(connection),
  };
}

export type Models = ReturnType<typeof createModels>;
