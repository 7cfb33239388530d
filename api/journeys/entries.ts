/** `POST /v1/journeys/:id/entries`: customers entered by the shop's systems into an `api` entry journey. */
import { randomUUID } from 'node:crypto';
import type { JsonValue, ReentryPlan } from '../../definitions/plan.js';
import { mayEnter } from '../../engine/simulator/backtest.js';
import type { Models } from '../../store/connection.js';
import { findExistingCustomerIds } from '../../store/customers.js';
import { findGrantedEntries } from '../../store/entries.js';
import { ApiError } from '../http/errors.js';
import { loadVersion, type JourneyHead } from './catalog.js';
import type { CustomerEvent, RuntimePort } from '../ports.js';
import { checkProperties } from '../http/validate.js';

export type EntryResult = 'entered' | 'already-in-journey' | 'journey-inactive' | 'unknown-customer' | 'denied';

/** One customer's answer; `reason` comes with `denied` (`reentry`: the journey's re-entry policy). */
export type EntryAnswer = { customerId: string; result: EntryResult; reason?: 'reentry' };

type Deps = { models: Models; runtime: RuntimePort; clock: () => number };

/** Enters each customer (16 at a time); answers one result per customer id, in order. */
export async function enterByApi(
  deps: Deps,
  head: JourneyHead,
  input: { customerIds: string[]; properties: Record<string, unknown>; idempotencyKey?: string | undefined },
): Promise<EntryAnswer[]> {
  const loaded = await loadVersion(deps.models, head.journeyId, head.version);
  if (loaded?.plan.entry.type !== 'api') {
    throw new ApiError(
      409,
      'NOT_AN_API_ENTRY',
      `${head.journeyId} does not enter by API (its entry is not "api: true").`,
    );
  }
  const bad = checkProperties(input.properties, 'properties');
  if (bad) throw bad;
  const ids = [...new Set(input.customerIds)];
  const known = await findExistingCustomerIds(deps.models, ids);
  const denied = await deniedByReentry(deps.models, head.journeyId, loaded.plan.reentry, ids, deps.clock());
  const key = input.idempotencyKey ?? randomUUID();
  const results = new Map<string, EntryAnswer>();
  // Many customers at once are a bulk source: their runs start behind the work that is due.
  const bulk = ids.length > 1;
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const customerId = ids[next++]!;
      if (!known.has(customerId)) results.set(customerId, { customerId, result: 'unknown-customer' });
      else if (denied.has(customerId)) results.set(customerId, { customerId, result: 'denied', reason: 'reentry' });
      else results.set(customerId, { customerId, result: await enterOne(deps, head, customerId, key, input, bulk) });
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, ids.length) }, worker));
  return input.customerIds.map((customerId) => results.get(customerId)!);
}

async function enterOne(
  deps: Deps,
  head: JourneyHead,
  customerId: string,
  key: string,
  input: { properties: Record<string, unknown> },
  bulk: boolean,
): Promise<EntryResult> {
  const event: CustomerEvent | null =
    Object.keys(input.properties).length === 0
      ? null
      : {
          id: `api-entry:${key}:${customerId}`,
          type: 'api.entry',
          timeMs: deps.clock(),
          properties: input.properties as { [k: string]: JsonValue },
        };
  const { status } = await deps.runtime.enterJourney({ journeyId: head.journeyId, customerId, event, bulk });
  if (status === 'entered') return 'entered';
  return status === 'signalled' || status === 'dropped' ? 'already-in-journey' : 'journey-inactive';
}

/**
 * The customers the re-entry ledger would refuse now: their last granted entry is one the policy does
 * not allow again, and their run has ended (a customer still inside is `already-in-journey`). One read
 * for the whole request (FerretDB scans for any filter but `_id`). The ledger stays the judge: a
 * concurrent entry of the same customer by an event may still win the claim, and the run started here
 * then ends `reentry-denied`.
 */
async function deniedByReentry(
  models: Models,
  journeyId: string,
  reentry: ReentryPlan,
  ids: string[],
  nowMs: number,
): Promise<Set<string>> {
  if (reentry.policy === 'always' || ids.length === 0) return new Set();
  const rows = await findGrantedEntries(models, journeyId, ids);
  const last = new Map<string, number>();
  const inside = new Set<string>();
  for (const row of rows) {
    if (row.outcome == null) inside.add(row.customerId);
    last.set(row.customerId, Math.max(last.get(row.customerId) ?? row.enteredMs, row.enteredMs));
  }
  const denied = new Set<string>();
  for (const [customerId, lastMs] of last) {
    if (!inside.has(customerId) && !mayEnter(reentry, lastMs, nowMs)) denied.add(customerId);
  }
  return denied;
}
