/**
 * Webhooks from the stand-in to Kizuna, as LINE sends them: `{ destination, events: [...] }` signed with
 * `x-line-signature` = base64 HMAC-SHA256 of the raw body under the channel secret. Each event carries a
 * `webhookEventId`, `deliveryContext.isRedelivery` and `mode`; a redelivery repeats an event with the
 * same id and `isRedelivery: true`.
 */
import { createHmac, randomBytes } from 'node:crypto';

/** What a test or the page asks the stand-in to send. */
export type WebhookSpec =
  | { type: 'follow'; userId: string; isUnblocked?: boolean }
  | { type: 'unfollow'; userId: string }
  | { type: 'message'; userId: string; text: string }
  | { type: 'postback'; userId: string; data: string };

/** The answer of Kizuna's webhook endpoint to one delivery. */
export interface WebhookDelivery {
  status: number;
  body: string;
  event: Record<string, unknown>;
}

/** A webhook event id: 26 characters of Crockford base32, time-ordered like LINE's ULIDs. */
function webhookEventId(nowMs: number): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let time = '';
  for (let t = nowMs, i = 0; i < 10; i++, t = Math.floor(t / 32)) time = alphabet[t % 32]! + time;
  const random = [...randomBytes(16)].map((b) => alphabet[b % 32]).join('');
  return time + random;
}

/** LINE's signature of a raw body. */
export function signWebhookBody(rawBody: string, channelSecret: string): string {
  return createHmac('sha256', channelSecret).update(rawBody).digest('base64');
}

/** Builds the event object LINE would send for a spec. */
export function buildWebhookEvent(spec: WebhookSpec, nowMs: number): Record<string, unknown> {
  const base = {
    type: spec.type,
    mode: 'active',
    timestamp: nowMs,
    source: { type: 'user', userId: spec.userId },
    webhookEventId: webhookEventId(nowMs),
    deliveryContext: { isRedelivery: false },
  };
  const replyToken = randomBytes(16).toString('hex');
  switch (spec.type) {
    case 'follow':
      return { ...base, replyToken, follow: { isUnblocked: spec.isUnblocked ?? false } };
    case 'unfollow':
      return base;
    case 'message':
      return {
        ...base,
        replyToken,
        message: { type: 'text', id: String(nowMs), quoteToken: randomBytes(8).toString('hex'), text: spec.text },
      };
    case 'postback':
      return { ...base, replyToken, postback: { data: spec.data } };
  }
}

/** Posts one event to `url`, signed; resolves with Kizuna's answer (network errors reject). */
export async function postWebhook(
  url: string,
  opts: { channelSecret: string; destination: string; event: Record<string, unknown> },
): Promise<WebhookDelivery> {
  const raw = JSON.stringify({ destination: opts.destination, events: [opts.event] });
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-line-signature': signWebhookBody(raw, opts.channelSecret),
      'user-agent': 'LineBotWebhook/2.0',
    },
    body: raw,
  });
  return { status: res.status, body: await res.text(), event: opts.event };
}

/** The same event again, marked as a redelivery (LINE resends events Kizuna did not acknowledge). */
export function asRedelivery(event: Record<string, unknown>): Record<string, unknown> {
  return { ...event, deliveryContext: { isRedelivery: true } };
}
