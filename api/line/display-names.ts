/**
 * After a LINE follow is stored and answered, the follower's display name is read from LINE
 * (`GET /v2/bot/profile/{userId}`) and written to the profile's `displayName`, best effort: a slow or
 * failing LINE never delays or fails the webhook's answer, and a name that cannot be read is skipped.
 */
import { HTTPFetchError, messagingApi } from '@line/bot-sdk';
import type { Logger } from 'pino';
import type { Models } from '../../store/connection.js';
import { setExistingProfileField } from '../../store/customers.js';
import type { LineProfilesPort } from '../ports.js';

/** The profile field the name goes to (declared in definitions/profile-fields.yaml). */
export const DISPLAY_NAME_FIELD = 'displayName';

/** Reads profiles through `@line/bot-sdk`; `baseURL` points at the stand-in locally and in tests. */
export function createLineProfiles(opts: { channelAccessToken: string; baseURL?: string }): LineProfilesPort {
  const client = new messagingApi.MessagingApiClient({
    channelAccessToken: opts.channelAccessToken,
    ...(opts.baseURL ? { baseURL: opts.baseURL } : {}),
  });
  return {
    async displayName(userId) {
      try {
        const profile = await client.getProfile(userId);
        return typeof profile.displayName === 'string' && profile.displayName !== '' ? profile.displayName : null;
      } catch (err) {
        // 404: LINE does not give the profile (the user blocked the account again, or never consented).
        if (err instanceof HTTPFetchError && err.status === 404) return null;
        throw err;
      }
    },
  };
}

export interface DisplayNameDeps {
  models: Models;
  profiles: LineProfilesPort;
  logger: Logger;
  /** Give up on LINE after this long (ms); default 5,000. */
  timeoutMs?: number;
  /** How often, and how long apart, the write waits for the follow's profile effects to create the customer. */
  attempts?: number;
  retryMs?: number;
}

/**
 * Reads the name and sets it on the customer. The follow's own profile effects run in the background
 * too and create a new customer, so the write waits for the customer to exist (a few short retries)
 * rather than create it: it must not bring back a customer erased meanwhile. Never rejects.
 */
export async function fetchDisplayName(
  deps: DisplayNameDeps,
  follow: { customerId: string; userId: string },
): Promise<void> {
  const timeoutMs = deps.timeoutMs ?? 5_000;
  try {
    let timer: NodeJS.Timeout | undefined;
    const name = await Promise.race([
      deps.profiles.displayName(follow.userId),
      new Promise<never>((_, fail) => {
        timer = setTimeout(() => fail(new Error(`no answer from LINE within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
    if (name === null) return;
    const attempts = deps.attempts ?? 10;
    for (let i = 0; i < attempts; i++) {
      if (await setExistingProfileField(deps.models, follow.customerId, DISPLAY_NAME_FIELD, name)) return;
      await new Promise((ok) => setTimeout(ok, deps.retryMs ?? 200));
    }
    deps.logger.warn('LINE display name not stored: the customer was not there');
  } catch (err) {
    // The user id is personal data: the log says what failed, not for whom.
    deps.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'LINE display name not read');
  }
}
