/**
 * The send path's configuration from an environment map. The composition roots (worker.ts,
 * api/server.ts) pass `process.env`; nothing here reads it by itself.
 *
 * One rule decides between a local run, where every setting has a working default, and production,
 * where the settings that end up in every customer's mail must be given: see {@link isProductionEnv}.
 */
import type { Models } from '../store/connection.js';
import { createDelivery, type Delivery } from './deliver.js';
import { createSmtpTransport, type DkimOptions } from './email-transport.js';
import { createLineSender } from './line-sender.js';
import { createLineBudget } from './line-budget.js';
import type { WorkspaceSettings } from '../definitions/workspace.js';
import { keyringOf, type SecretKeyring } from './secret-keys.js';
import { DEFAULT_TOKEN_TTL_MS } from './unsubscribe-token.js';

/** Thrown when required settings are missing or unusable; `settings` names them. */
export class DeliveryConfigError extends Error {
  readonly code = 'DELIVERY_CONFIG_INVALID';
  constructor(
    readonly settings: string[],
    message: string,
  ) {
    super(message);
    this.name = 'DeliveryConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** The shop every default names: the unsubscribe pages and the default From (`SHOP_NAME` overrides it). */
export const DEFAULT_SHOP_NAME = '珈琲焙煎所きずな';

/**
 * Local defaults; in production the settings of {@link PRODUCTION_REQUIRED} have none, and the
 * unsubscribe secret has none outside declared local development ({@link isLocalDevelopment}).
 */
const LOCAL_DEFAULTS = {
  SMTP_URL: 'smtp://127.0.0.1:1025',
  PUBLIC_BASE_URL: 'http://localhost:3000',
  UNSUBSCRIBE_SECRET: 'local-unsubscribe-secret-of-at-least-32-bytes',
  UNSUBSCRIBE_MAILTO: 'unsubscribe@kizuna.local',
  MAIL_FROM_ADDRESS: 'no-reply@kizuna.local',
} as const;

/** What production must set: every one ends up in customers' mail or signs their unsubscribe links. */
export const PRODUCTION_REQUIRED = [
  'UNSUBSCRIBE_SECRET',
  'PUBLIC_BASE_URL',
  'MAIL_FROM',
  'UNSUBSCRIBE_MAILTO',
] as const;

const LOOPBACK = /^(localhost|127(\.\d+){3}|\[::1\])$/i;

/**
 * Production is `NODE_ENV=production`, or a configuration that reaches real recipients: a LINE channel
 * token without `LINE_API_BASE_URL` (LINE itself, not the stand-in), or an `SMTP_URL` whose host is
 * not this machine.
 */
export function isProductionEnv(env: Env): boolean {
  if (env.NODE_ENV === 'production') return true;
  if (env.LINE_CHANNEL_ACCESS_TOKEN && !env.LINE_API_BASE_URL) return true;
  if (env.SMTP_URL) {
    try {
      return !LOOPBACK.test(new URL(env.SMTP_URL).hostname);
    } catch {
      return true;
    }
  }
  return false;
}

/**
 * Local development is declared, never guessed: `KIZUNA_ENV=development`, which the local stack
 * (`npm start`) sets. Only then may a secret fall back to a value written in the code; a process
 * without it (a staging box, a container someone forgot to configure) must be given its secrets.
 */
export function isLocalDevelopment(env: Env): boolean {
  return env.KIZUNA_ENV === 'development';
}

/** The delivery settings, checked: everything {@link createDelivery} needs but the models. */
export interface DeliverySettings {
  smtpUrl: string;
  dkim: DkimOptions | null;
  line: { channelAccessToken: string; baseURL?: string } | null;
  publicBaseUrl: string;
  /** The unsubscribe keys: `UNSUBSCRIBE_SECRET` signs, `UNSUBSCRIBE_PREVIOUS_SECRETS` are still accepted. */
  unsubscribeKeys: SecretKeyring;
  /** How long an unsubscribe link works (`UNSUBSCRIBE_TOKEN_TTL_DAYS`). */
  unsubscribeTokenTtlMs: number;
  mailto: string;
  shopUrl: string | null;
  shopName: string;
  from: string;
  replyTo: string | null;
}

/**
 * Reads the delivery settings from `SMTP_URL`, `MAIL_FROM`, `MAIL_REPLY_TO`, `DKIM_DOMAIN` /
 * `DKIM_SELECTOR` / `DKIM_PRIVATE_KEY` (all three or none), `LINE_CHANNEL_ACCESS_TOKEN` (+
 * `LINE_API_BASE_URL`), `PUBLIC_BASE_URL`, `UNSUBSCRIBE_SECRET` (32 bytes or more), `UNSUBSCRIBE_MAILTO`,
 * `SHOP_NAME`, `SHOP_URL`. Throws {@link DeliveryConfigError} naming every problem at once.
 */
export function deliverySettingsFromEnv(env: Env): DeliverySettings {
  const production = isProductionEnv(env);
  const problems: string[] = [];
  const names: string[] = [];
  const problem = (name: string, text: string) => {
    names.push(name);
    problems.push(`${name} ${text}`);
  };
  if (production) {
    for (const name of PRODUCTION_REQUIRED) if (!env[name]) problem(name, 'is required');
  }
  const unsubscribe = readUnsubscribeKeys(env);
  if (typeof unsubscribe === 'string' && !names.includes('UNSUBSCRIBE_SECRET'))
    problem('UNSUBSCRIBE_SECRET', unsubscribe);
  const ttlMs = readTokenTtl(env);
  if (ttlMs === null) problem('UNSUBSCRIBE_TOKEN_TTL_DAYS', 'must be a whole number of days from 1 to 3650');
  const dkimParts = [env.DKIM_DOMAIN, env.DKIM_SELECTOR, env.DKIM_PRIVATE_KEY].filter(Boolean).length;
  if (dkimParts !== 0 && dkimParts !== 3) {
    problem('DKIM_DOMAIN', 'DKIM_SELECTOR and DKIM_PRIVATE_KEY go together: set all three or none');
  }
  if (problems.length > 0) {
    const where = production ? ' (production: see docs/configuration.md)' : '';
    throw new DeliveryConfigError(names, `delivery settings${where}: ${problems.join('; ')}`);
  }
  const shopName = env.SHOP_NAME ?? DEFAULT_SHOP_NAME;
  const token = env.LINE_CHANNEL_ACCESS_TOKEN;
  return {
    smtpUrl: env.SMTP_URL ?? LOCAL_DEFAULTS.SMTP_URL,
    dkim:
      dkimParts === 3
        ? { domainName: env.DKIM_DOMAIN!, keySelector: env.DKIM_SELECTOR!, privateKey: env.DKIM_PRIVATE_KEY! }
        : null,
    line: token
      ? { channelAccessToken: token, ...(env.LINE_API_BASE_URL ? { baseURL: env.LINE_API_BASE_URL } : {}) }
      : null,
    publicBaseUrl: env.PUBLIC_BASE_URL ?? LOCAL_DEFAULTS.PUBLIC_BASE_URL,
    unsubscribeKeys: unsubscribe as SecretKeyring,
    unsubscribeTokenTtlMs: ttlMs!,
    mailto: env.UNSUBSCRIBE_MAILTO ?? LOCAL_DEFAULTS.UNSUBSCRIBE_MAILTO,
    shopUrl: env.SHOP_URL ?? null,
    shopName,
    from: env.MAIL_FROM ?? `"${shopName.replace(/["\\]/g, '')}" <${LOCAL_DEFAULTS.MAIL_FROM_ADDRESS}>`,
    replyTo: env.MAIL_REPLY_TO ?? null,
  };
}

/**
 * Builds the delivery from the environment (see {@link deliverySettingsFromEnv}) and the workspace
 * settings (`definitions/workspace.yaml`): with a `line_budget` and a LINE channel, LINE sends go through
 * the budget and LINE's quota.
 */
export function deliveryFromEnv(
  env: Env,
  models: Models,
  workspace: WorkspaceSettings = { lineBudget: null },
): Delivery {
  const s = deliverySettingsFromEnv(env);
  const line = s.line ? createLineSender(s.line) : null;
  const policy = workspace.lineBudget;
  return createDelivery({
    models,
    email: createSmtpTransport({ url: s.smtpUrl, dkim: s.dkim }),
    line,
    lineBudget: line && policy ? createLineBudget({ models, policy, quota: () => line.quota() }) : null,
    links: {
      publicBaseUrl: s.publicBaseUrl,
      unsubscribeSecret: s.unsubscribeKeys,
      unsubscribeTokenTtlMs: s.unsubscribeTokenTtlMs,
      mailto: s.mailto,
      ...(s.shopUrl ? { extra: { shop: s.shopUrl } } : {}),
    },
    shopName: s.shopName,
    from: s.from,
    ...(s.replyTo ? { replyTo: s.replyTo } : {}),
  });
}

/**
 * What the API's unsubscribe pages need: the keys (the worker's: both must hold the same ones; required
 * unless `KIZUNA_ENV=development`), the token lifetime and the shop's name.
 */
export function unsubscribeSettingsFromEnv(env: Env): { secret: SecretKeyring; tokenTtlMs: number; shopName: string } {
  const keys = readUnsubscribeKeys(env);
  const tokenTtlMs = readTokenTtl(env);
  if (typeof keys === 'string' || tokenTtlMs === null) {
    const [name, text] =
      typeof keys === 'string'
        ? ['UNSUBSCRIBE_SECRET', keys]
        : ['UNSUBSCRIBE_TOKEN_TTL_DAYS', 'must be a whole number of days from 1 to 3650'];
    throw new DeliveryConfigError([name], `unsubscribe settings (see docs/configuration.md): ${name} ${text}`);
  }
  return { secret: keys, tokenTtlMs, shopName: env.SHOP_NAME ?? DEFAULT_SHOP_NAME };
}

/**
 * The unsubscribe keyring, or why there is none: `UNSUBSCRIBE_SECRET` is required unless the process
 * is declared local development; every secret (also `UNSUBSCRIBE_PREVIOUS_SECRETS`) has 32 bytes or more.
 */
function readUnsubscribeKeys(env: Env): SecretKeyring | string {
  const secret = env.UNSUBSCRIBE_SECRET;
  if (!secret && !isLocalDevelopment(env)) return 'is required (unless KIZUNA_ENV=development)';
  try {
    return keyringOf(secret || LOCAL_DEFAULTS.UNSUBSCRIBE_SECRET, env.UNSUBSCRIBE_PREVIOUS_SECRETS, 'x');
  } catch {
    return 'must be 32 bytes or more (also each of UNSUBSCRIBE_PREVIOUS_SECRETS)';
  }
}

/** `UNSUBSCRIBE_TOKEN_TTL_DAYS` in ms (default {@link DEFAULT_TOKEN_TTL_MS}); null when it is not 1–3650. */
function readTokenTtl(env: Env): number | null {
  const text = env.UNSUBSCRIBE_TOKEN_TTL_DAYS;
  if (text === undefined || text === '') return DEFAULT_TOKEN_TTL_MS;
  const days = Number(text);
  return Number.isInteger(days) && days >= 1 && days <= 3650 ? days * 86_400_000 : null;
}
