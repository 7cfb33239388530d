/** What the console receives from the app (api/app.ts): the store, the journey controls, its settings. */
import type { Logger } from 'pino';
import { DEFAULT_SHOP_NAME } from '../../channels/delivery-config.js';
import { DEFAULT_TIMEZONE } from '../../definitions/compile-header.js';
import type { Models } from '../../store/connection.js';
import type { JourneyControlDeps } from '../journeys/control.js';

/** The console's settings (api/server.ts reads them from the environment). */
export interface ConsoleOptions {
  /** The shop's IANA time zone: every date the console shows is in it. @default 'Asia/Tokyo' (the policies' default zone) */
  timeZone?: string;
  /** Shown in the header. @default the example shop's name (channels/delivery-config.ts) */
  shopName?: string;
  /** How long a session lasts after sign-in (ms); there is no sliding renewal. @default 8 hours */
  sessionTtlMs?: number;
  /** Mark cookies `Secure` (HTTPS only) even when the request came over plain HTTP to this process. @default false */
  secureCookies?: boolean;
}

/** The console's dependencies, with its options resolved. */
export interface ConsoleDeps extends JourneyControlDeps {
  models: Models;
  logger: Logger;
  clock: () => number;
  timeZone: string;
  shopName: string;
  sessionTtlMs: number;
  secureCookies: boolean;
  /** The public origin of the routes' `/r/<routeId>` links (LINE Login's callback origin); absent or null = no links. */
  routeOrigin?: string | null;
}

/** Default console options, resolved once. */
export function resolveConsoleOptions(
  options: ConsoleOptions | undefined,
): Pick<ConsoleDeps, 'timeZone' | 'shopName' | 'sessionTtlMs' | 'secureCookies'> {
  return {
    timeZone: options?.timeZone ?? DEFAULT_TIMEZONE,
    shopName: options?.shopName ?? DEFAULT_SHOP_NAME,
    sessionTtlMs: options?.sessionTtlMs ?? 8 * 60 * 60 * 1000,
    secureCookies: options?.secureCookies ?? false,
  };
}

/**
 * The console's options from the environment: `SHOP_TIMEZONE` (IANA; the shop's zone, also the policies'
 * default), `SHOP_NAME`, `KIZUNA_CONSOLE_SESSION_HOURS`, `KIZUNA_CONSOLE_SECURE_COOKIES` (`true` behind an
 * HTTPS proxy; on by default when `NODE_ENV=production`). Throws naming the variable when one is wrong.
 */
export function consoleOptionsFromEnv(env: Record<string, string | undefined>): ConsoleOptions {
  const timeZone = env.SHOP_TIMEZONE || DEFAULT_TIMEZONE;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new Error(`SHOP_TIMEZONE: "${timeZone}" is not an IANA time zone such as Asia/Tokyo`);
  }
  const hours = env.KIZUNA_CONSOLE_SESSION_HOURS ? Number(env.KIZUNA_CONSOLE_SESSION_HOURS) : 8;
  if (!(hours > 0 && hours <= 24 * 30)) {
    throw new Error('KIZUNA_CONSOLE_SESSION_HOURS: a number of hours between 0 and 720');
  }
  const secure = env.KIZUNA_CONSOLE_SECURE_COOKIES;
  return {
    timeZone,
    shopName: env.SHOP_NAME ?? DEFAULT_SHOP_NAME,
    sessionTtlMs: hours * 60 * 60 * 1000,
    secureCookies: secure === undefined ? env.NODE_ENV === 'production' : secure === 'true',
  };
}
