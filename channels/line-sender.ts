/**
 * LINE pushes through `@line/bot-sdk`'s MessagingApiClient, with LINE's answers classified by what a
 * retry can change. A 409 for a retry key means LINE accepted that push before: success.
 */
import { HTTPFetchError, messagingApi } from '@line/bot-sdk';

/** One LINE message object as the Messaging API takes it (already rendered). */
export type LineMessage = Record<string, unknown> & { type: string };

export interface LinePushed {
  /** `x-line-request-id` of the push, or `x-line-accepted-request-id` of the earlier one on a 409. */
  requestId: string;
  /** True when LINE answered 409: the retry key was accepted before, nothing was sent now. */
  duplicate: boolean;
}

/**
 * How a push failed:
 * - `invalid` (400): LINE refused the body; permanent, with LINE's message and details;
 * - `config` (401/403): the channel token or plan is wrong; permanent for every send;
 * - `monthly-limit` (429 "You have reached your monthly limit."): nothing goes out until next month;
 * - `rate-limited` (other 429): retry after `retryAfterMs`;
 * - `transient` (5xx, network): retry with the same key, which LINE deduplicates.
 */
export type LineFailureKind = 'invalid' | 'config' | 'monthly-limit' | 'rate-limited' | 'transient';

/** Thrown by {@link LineSender.push}. */
export class LineSendError extends Error {
  constructor(
    readonly kind: LineFailureKind,
    message: string,
    readonly status: number | null,
    readonly detail: string | null = null,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'LineSendError';
  }
}

/** The monthly quota, from `/v2/bot/message/quota` and `/quota/consumption`. */
export interface LineQuota {
  type: 'none' | 'limited';
  limit: number | null;
  used: number;
}

export interface LineSender {
  /** Pushes messages to one user under a retry key (a UUID); throws {@link LineSendError}. */
  push(input: { to: string; messages: LineMessage[]; retryKey: string }): Promise<LinePushed>;
  /** This month's quota and consumption. */
  quota(): Promise<LineQuota>;
}

const MONTHLY_LIMIT = /monthly limit/i;

/** A sender on a channel access token; `baseURL` points at the stand-in in tests and `npm start`. */
export function createLineSender(opts: { channelAccessToken: string; baseURL?: string }): LineSender {
  const client = new messagingApi.MessagingApiClient({
    channelAccessToken: opts.channelAccessToken,
    ...(opts.baseURL ? { baseURL: opts.baseURL } : {}),
  });
  return {
    async push({ to, messages, retryKey }) {
      try {
        const res = await client.pushMessageWithHttpInfo(
          { to, messages: messages as unknown as messagingApi.Message[] },
          retryKey,
        );
        return { requestId: res.httpResponse.headers.get('x-line-request-id') ?? '', duplicate: false };
      } catch (err) {
        if (err instanceof HTTPFetchError && err.status === 409) {
          const accepted = err.headers.get('x-line-accepted-request-id');
          if (accepted) return { requestId: accepted, duplicate: true };
        }
        throw classifyLineError(err);
      }
    },
    async quota() {
      const [quota, used] = await Promise.all([client.getMessageQuota(), client.getMessageQuotaConsumption()]);
      return {
        type: quota.type,
        limit: quota.type === 'limited' ? (quota.value ?? null) : null,
        used: used.totalUsage,
      };
    },
  };
}

/** Classifies an error of the SDK (see {@link LineFailureKind}). */
export function classifyLineError(err: unknown): LineSendError {
  if (!(err instanceof HTTPFetchError)) {
    return new LineSendError('transient', `LINE unreachable: ${(err as Error).message ?? String(err)}`, null);
  }
  const body = parseBody(err.body);
  const message = body.message ?? err.statusText;
  const detail = body.details.length > 0 ? body.details.map((d) => `${d.property}: ${d.message}`).join('; ') : null;
  const text = `LINE ${err.status}: ${message}`;
  if (err.status === 400) return new LineSendError('invalid', text, 400, detail);
  if (err.status === 401 || err.status === 403) return new LineSendError('config', text, err.status, detail);
  if (err.status === 429) {
    if (MONTHLY_LIMIT.test(message)) return new LineSendError('monthly-limit', text, 429, detail);
    return new LineSendError('rate-limited', text, 429, detail, retryAfterMs(err.headers.get('retry-after')));
  }
  if (err.status === 409) return new LineSendError('invalid', `${text} (409 without an accepted request id)`, 409);
  return new LineSendError(err.status >= 500 ? 'transient' : 'invalid', text, err.status, detail);
}

function parseBody(raw: string): { message: string | null; details: { property: string; message: string }[] } {
  try {
    const parsed = JSON.parse(raw) as { message?: unknown; details?: unknown };
    const details = Array.isArray(parsed.details)
      ? (parsed.details as { property?: unknown; message?: unknown }[]).map((d) => ({
          property: typeof d.property === 'string' ? d.property : '',
          message: typeof d.message === 'string' ? d.message : '',
        }))
      : [];
    return { message: typeof parsed.message === 'string' ? parsed.message : null, details };
  } catch {
    return { message: null, details: [] };
  }
}

/** `Retry-After` in seconds or as an HTTP date; 1 s when absent or unreadable. */
function retryAfterMs(header: string | null): number {
  if (header === null) return 1000;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : 1000;
}
