/**
 * What the answers report reads: the journal rows where a journey's `wait_for` received an answer,
 * the answering events, and the answering customers' route and orders. Every query is an indexed
 * equality (journal by journey, version, step and action; events and customers by `_id`; orders by
 * customer), so a report costs what its answers hold, whatever the size of the collections.
 */
import { findOrderEvents } from './events.js';
import type { Models } from './models/index.js';

/** One answer: who, when, and the postback data. */
export interface AnswerRow {
  customerId: string;
  stepId: string;
  atMs: number;
  data: string;
}

/** The answers one `wait_for` step of a version received (its `matched` journal rows), with their data. */
export async function readStepAnswers(
  models: Models,
  step: { journeyId: string; version: number; stepId: string },
): Promise<AnswerRow[]> {
  const rows = await models.JournalRow.find(
    { ...step, action: 'matched' },
    { _id: 0, customerId: 1, at: 1, detail: 1 },
  ).lean<Array<{ customerId: string; at: Date; detail?: { eventId?: string } }>>();
  const answers: AnswerRow[] = [];
  for (const row of rows) {
    const eventId = row.detail?.eventId;
    if (typeof eventId !== 'string') continue;
    // One `_id` lookup per answer: the event holds the data, the journal row only its id.
    const event = await models.Event.findOne({ _id: eventId }, { _id: 0, properties: 1 }).lean<{
      properties?: { data?: unknown };
    }>();
    const data = event?.properties?.data;
    if (typeof data !== 'string') continue;
    answers.push({ customerId: row.customerId, stepId: step.stepId, atMs: row.at.getTime(), data });
  }
  return answers;
}

/** What the report needs of an answering customer: first-touch route and orders (time, total). */
export interface AnswererFacts {
  route: string | null;
  orders: Array<{ atMs: number; total: number }>;
}

/** The route and orders of a customer (a profile `_id` lookup and the customer's order events). */
export async function readAnswererFacts(models: Models, customerId: string): Promise<AnswererFacts> {
  const profile = await models.Customer.findOne({ _id: customerId }, { acquisitionRoute: 1 }).lean<{
    acquisitionRoute?: unknown;
  }>();
  const orders = await findOrderEvents(models, customerId);
  return {
    route: typeof profile?.acquisitionRoute === 'string' ? profile.acquisitionRoute : null,
    orders: orders.map((o) => ({
      atMs: o.occurredAt.getTime(),
      total: typeof o.properties?.total === 'number' ? o.properties.total : 0,
    })),
  };
}
