/**
 * What a stored event changes in the customer's profile before it is routed: the customer is created
 * when unknown (with the event's source as acquisition source, first touch), the inline `profile` patch
 * is applied, and well-known events update the profile:
 * - `order.completed`: `orderCount`, `totalSpent`, `firstOrderAt`, `lastOrderAt` are recomputed from the
 *   customer's stored order events (so a retried application changes nothing and late events count in
 *   order), `ownedProducts` gains the items' SKUs, `favoriteCategory` is the most bought category;
 * - `subscription.cancelled`: `subscriptionStatus: cancelled` and `churnedAt`.
 */
import { LineUserIdTakenError, updateProfileFrom, type Profile } from '../../store/customers.js';
import { findOrderEvents, type EventRow } from '../../store/events.js';
import type { Models } from '../../store/connection.js';

/** Event types that change the profile by themselves. */
export const WELL_KNOWN_EVENTS: ReadonlySet<string> = new Set(['order.completed', 'subscription.cancelled']);

/**
 * Applies the event's profile effects; idempotent, so the outbox may run it again after a failure. The
 * profile is read and written under the customer's lock: two events of one customer applied at once
 * (two API processes, a batch and a single event) each see the other's write.
 */
export async function applyEventEffects(models: Models, event: EventRow): Promise<void> {
  const apply = (withLineUserId: boolean) =>
    updateProfileFrom(models, event.customerId, async (existing) => {
      const set = await effectsOf(models, event, existing);
      if (!withLineUserId) delete set.lineUserId;
      return existing && Object.keys(set).length === 0 ? null : { set };
    });
  await apply(true).catch(async (err: unknown) => {
    // Another customer took the LINE user id after the event was accepted (the API checked it then; the
    // webhook routes to the linked customer when there is one): the rest of the patch still applies,
    // and the outbox must not retry a write that can never succeed.
    if (!(err instanceof LineUserIdTakenError) || !event.profile?.some((p) => p.path === 'lineUserId')) throw err;
    await apply(false);
  });
}

/** The fields the event sets, given the profile as it stands. */
async function effectsOf(models: Models, event: EventRow, existing: Profile | null) {
  const set: Record<string, unknown> = {};
  for (const { path, value } of event.profile ?? []) set[path] = value;
  firstTouch(existing, set, event.source);
  if (event.type === 'order.completed') Object.assign(set, await orderStats(models, event.customerId, existing));
  if (event.type === 'subscription.cancelled') {
    set.subscriptionStatus = 'cancelled';
    set.churnedAt = event.occurredAt;
  }
  return set;
}

/** `acquisitionSource` is the first touch: written when the customer has none, never replaced. */
export function firstTouch(existing: Profile | null, set: Record<string, unknown>, fallback: string | null): void {
  if (existing?.acquisitionSource !== undefined && existing.acquisitionSource !== null) {
    delete set.acquisitionSource;
  } else if (set.acquisitionSource === undefined && fallback !== null) {
    set.acquisitionSource = fallback;
  }
}

interface OrderItem {
  sku?: unknown;
  category?: unknown;
}

async function orderStats(models: Models, customerId: string, existing: Profile | null) {
  const orders = await findOrderEvents(models, customerId);
  const times = orders.map((o) => new Date(o.occurredAt).getTime()).sort((a, b) => a - b);
  const owned = new Set(Array.isArray(existing?.ownedProducts) ? (existing.ownedProducts as unknown[]) : []);
  const categories = new Map<string, number>();
  let totalSpent = 0;
  for (const order of orders) {
    const total = order.properties?.total;
    if (typeof total === 'number' && Number.isFinite(total)) totalSpent += total;
    const items = Array.isArray(order.properties?.items) ? (order.properties.items as OrderItem[]) : [];
    for (const item of items) {
      if (typeof item?.sku === 'string') owned.add(item.sku);
      if (typeof item?.category === 'string') categories.set(item.category, (categories.get(item.category) ?? 0) + 1);
    }
  }
  const favourite = [...categories.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
  return {
    orderCount: orders.length,
    totalSpent,
    firstOrderAt: new Date(times[0]!),
    lastOrderAt: new Date(times[times.length - 1]!),
    ownedProducts: [...owned],
    ...(favourite !== undefined ? { favoriteCategory: favourite } : {}),
  };
}
