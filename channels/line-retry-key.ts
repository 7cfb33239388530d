/**
 * `X-Line-Retry-Key` of a delivery: a UUID v5 (RFC 9562, SHA-1 name-based) of the delivery key in
 * {@link LINE_RETRY_KEY_NAMESPACE}, so every attempt of one delivery carries the same key and LINE
 * answers a repeat within 24 hours with 409 instead of sending twice.
 */
import { createHash } from 'node:crypto';

/** The namespace of retry keys. Never change it: keys of sends in flight would change with it. */
export const LINE_RETRY_KEY_NAMESPACE = '6f1f4f7c-9a53-4c1e-8f0e-2b8d3c5a7e19';

/** UUID v5 of `name` in `namespace` (a UUID string). */
export function uuidV5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new Error(`"${namespace}" is not a UUID`);
  const bytes = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The retry key of a delivery key. */
export function lineRetryKey(deliveryKey: string): string {
  return uuidV5(deliveryKey, LINE_RETRY_KEY_NAMESPACE);
}
