/**
 * Segment entry: the audience workflow's activities. A page of the customers matching the journey's
 * segment (its condition as a MongoDB query at the schedule's time), and their entry through the
 * runtime's `enterJourney` (re-entry is decided by the ledger inside each run).
 */
import { Context } from '@temporalio/activity';
import { toMongoQuery } from '../definitions/mongo-query.js';
import { enterJourney } from '../runtime/enter-journey.js';
import type { Models } from '../store/connection.js';
import { countCustomers, findCustomerIdsPage } from '../store/customers.js';
import { loadJourneyVersion } from '../store/journeys.js';

export interface AudiencePageInput {
  journeyId: string;
  version: number;
  /** The instant the segment is evaluated at (relative-time operators), fixed for the whole pass. */
  nowMs: number;
  /** The last customer id of the previous page; `null` for the first. */
  afterCustomerId: string | null;
  limit: number;
}

export interface AudiencePage {
  customerIds: string[];
  /** Matching customers in all (first page only; `null` after). */
  total: number | null;
}

export interface EnterAudienceResult {
  entered: number;
  alreadyIn: number;
  inactive: number;
}

export function makeAudienceActivities(deps: { models: Models }) {
  return {
    /** Customers of the segment after `afterCustomerId`, in customer id order (a stable cursor). */
    async findAudiencePage(input: AudiencePageInput): Promise<AudiencePage> {
      const version = await loadJourneyVersion(deps.models, input.journeyId, input.version);
      const entry = version?.plan.entry;
      if (entry?.type !== 'segment') return { customerIds: [], total: 0 };
      const query = toMongoQuery(entry.query, input.nowMs);
      const page = { afterCustomerId: input.afterCustomerId, limit: input.limit };
      const customerIds = await findCustomerIdsPage(deps.models, query, page);
      const total = input.afterCustomerId === null ? await countCustomers(deps.models, query) : null;
      return { customerIds, total };
    },

    /**
     * Enters each customer (8 at a time); a retry re-enters harmlessly: a running run is left as is,
     * and a run that ended meanwhile is followed by one the ledger refuses (same pass, same key).
     */
    async enterAudience(input: {
      journeyId: string;
      customerIds: string[];
      taskQueue: string;
      /** The pass's instant: entries key on it, so a retried page cannot enter a customer twice. */
      passMs?: number;
    }): Promise<EnterAudienceResult> {
      const entryKey = input.passMs === undefined ? {} : { entryKey: `segment:${input.passMs}` };
      const client = Context.current().client;
      const result: EnterAudienceResult = { entered: 0, alreadyIn: 0, inactive: 0 };
      let next = 0;
      const worker = async () => {
        while (next < input.customerIds.length) {
          const customerId = input.customerIds[next++]!;
          const { status } = await enterJourney(
            { client, models: deps.models, taskQueue: input.taskQueue },
            { journeyId: input.journeyId, customerId, event: null, bulk: true, ...entryKey },
          );
          if (status === 'entered') result.entered += 1;
          else if (status === 'signalled' || status === 'dropped') result.alreadyIn += 1;
          else result.inactive += 1;
          Context.current().heartbeat(next);
        }
      };
      await Promise.all(Array.from({ length: Math.min(8, input.customerIds.length) }, worker));
      return result;
    },
  };
}
