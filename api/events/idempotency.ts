/**
 * What an idempotency key promises: the same key with the same event is a retry (answered with the first
 * result); the same key with another event is a mistake the client must hear about (409), not a second
 * event silently dropped. Sources Kizuna writes itself are reserved, so no client can pre-empt or
 * collide with their keys.
 */
import { createHash } from 'node:crypto';
import { ApiError } from '../http/errors.js';

/** Sources Kizuna's own writers use (the LINE webhook and LINE routes, the unsubscribe pages, ...). */
export const RESERVED_SOURCES: ReadonlySet<string> = new Set([
  'line',
  'unsubscribe',
  'kizuna',
  'system',
  'segment',
  'route',
  'console',
]);

/** Throws 422 RESERVED_SOURCE when a client claims a source Kizuna writes itself (any case). */
export function refuseReservedSource(source: string | undefined): void {
  if (source === undefined || !RESERVED_SOURCES.has(source.toLowerCase())) return;
  throw new ApiError(
    422,
    'RESERVED_SOURCE',
    `The source "${source}" is reserved for Kizuna's own events; name your system instead (e.g. "shop").`,
    { source, reserved: [...RESERVED_SOURCES] },
  );
}

/** JSON with object keys sorted at every depth: one text per value, whatever order the client wrote. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.getTime());
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * sha256 (hex) of the event as the client meant it: type, customer, the instant it occurred (so
 * `+09:00` and `Z` spellings of one instant agree), properties and profile patch, keys sorted.
 */
export function eventBodyHash(event: {
  type: string;
  customerId: string;
  occurredAt: Date;
  properties: Record<string, unknown>;
  profile?: unknown;
}): string {
  const { type, customerId, occurredAt, properties, profile } = event;
  const text = canonicalJson({ type, customerId, occurredAt, properties, profile: profile ?? null });
  return createHash('sha256').update(text).digest('hex');
}

/** Throws 409 IDEMPOTENCY_KEY_REUSED when a stored event under the key differs from the one sent now. */
export function checkSameRequest(
  stored: { bodyHash?: string | null; keyId?: string | null },
  sent: { bodyHash?: string; keyId?: string },
  key: { source: string; idempotencyKey: string },
): void {
  // Rows stored before hashes were kept carry none: they are answered as before.
  const otherBody = !!stored.bodyHash && !!sent.bodyHash && stored.bodyHash !== sent.bodyHash;
  const otherKey = !!stored.keyId && !!sent.keyId && stored.keyId !== sent.keyId;
  if (!otherBody && !otherKey) return;
  throw new ApiError(
    409,
    'IDEMPOTENCY_KEY_REUSED',
    otherKey
      ? `The idempotency key "${key.idempotencyKey}" of source "${key.source}" was used by another API key; use another key or source.`
      : `The idempotency key "${key.idempotencyKey}" of source "${key.source}" was used for a different event; a retry must send the same event.`,
    { source: key.source, idempotencyKey: key.idempotencyKey },
  );
}
