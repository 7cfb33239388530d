/**
 * The send path's configuration from an environment map. The composition roots (worker.ts,
 * api/server.ts) pass `process.env`; nothing here reads it by itself.
 */
import type { Models } from '../store/models/index.js';
import { createDelivery, type Delivery } from './deliver.js';
import { createSmtpTransport } from './email-transport.js';
import { createLineSender } from './line-sender.js';

/** Thrown when a required setting is missing or unusable; `setting` names it. */
export class DeliveryConfigError extends Error {
  readonly code = 'DELIVERY_CONFIG_INVALID';
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`${setting}: ${message}`);
    this.name = 'DeliveryConfigError';
  }
}

type Env = Record<string, string | undefined>;

function required(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new DeliveryConfigError(name, 'is required');
  return value;
}

/**
 * Builds the delivery from `SMTP_URL`, `MAIL_FROM`, `MAIL_REPLY_TO`, `DKIM_DOMAIN` / `DKIM_SELECTOR` /
 * `DKIM_PRIVATE_KEY`, `LINE_CHANNEL_ACCESS_TOKEN` (+ `LINE_API_BASE_URL`), `PUBLIC_BASE_URL`,
 * `UNSUBSCRIBE_SECRET` (32 bytes or more), `UNSUBSCRIBE_MAILTO`, `SHOP_NAME`, `SHOP_URL`.
 * Throws {@link DeliveryConfigError}.
 */
export function deliveryFromEnv(env: Env, models: Models): Delivery {
  const secret = required(env, 'UNSUBSCRIBE_SECRET');
  if (Buffer.byteLength(secret) < 32) throw new DeliveryConfigError('UNSUBSCRIBE_SECRET', 'must be at least 32 bytes');
  const dkim =
    env.DKIM_DOMAIN && env.DKIM_SELECTOR && env.DKIM_PRIVATE_KEY
      ? { domainName: env.DKIM_DOMAIN, keySelector: env.DKIM_SELECTOR, privateKey: env.DKIM_PRIVATE_KEY }
      : null;
  const token = env.LINE_CHANNEL_ACCESS_TOKEN;
  return createDelivery({
    models,
    email: createSmtpTransport({ url: env.SMTP_URL ?? 'smtp://127.0.0.1:1025', dkim }),
    line: token
      ? createLineSender({
          channelAccessToken: token,
          ...(env.LINE_API_BASE_URL ? { baseURL: env.LINE_API_BASE_URL } : {}),
        })
      : null,
    links: {
      publicBaseUrl: required(env, 'PUBLIC_BASE_URL'),
      unsubscribeSecret: secret,
      mailto: required(env, 'UNSUBSCRIBE_MAILTO'),
      ...(env.SHOP_URL ? { extra: { shop: env.SHOP_URL } } : {}),
    },
    shopName: required(env, 'SHOP_NAME'),
    from: required(env, 'MAIL_FROM'),
    ...(env.MAIL_REPLY_TO ? { replyTo: env.MAIL_REPLY_TO } : {}),
  });
}
