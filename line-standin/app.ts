/**
 * A local stand-in for LINE's Messaging API, because LINE offers none. It answers the paths Kizuna uses
 * (push, multicast, broadcast, validate/push, quota, quota consumption, profile, bot info, rich menus)
 * like LINE: bearer token required,
 * bodies validated with LINE's error shape `{ message, details: [{ message, property }] }`, JSON errors
 * for malformed JSON / wrong content type / oversized bodies, `x-line-request-id` on every response,
 * and 409 with `x-line-accepted-request-id` and `sentMessages` for a retry key seen in the last 24 hours.
 * Tests program faults (429, monthly limit, 500, latency, a dropped connection after accepting) and make
 * it send signed webhooks, and set the channel's monthly quota (`POST /__standin/quota`). `GET /` lists
 * the received messages.
 */
import { randomUUID } from 'node:crypto';
import express, { type ErrorRequestHandler } from 'express';
import { loginEndpoints, type LoginChannel } from './login.js';
import { inboxPage } from './page.js';
import { RichMenuState, richMenuRouter, richMenusSection } from './richmenus.js';
import { lineError, messageEndpoints } from './messages.js';
import { StandinState, type Fault } from './state.js';
import { asRedelivery, buildWebhookEvent, postWebhook, type WebhookDelivery, type WebhookSpec } from './webhooks.js';

export type { Fault, RecordedPush } from './state.js';
export type { WebhookSpec } from './webhooks.js';

export interface StandinOptions {
  channelAccessToken: string;
  /** Signs webhooks; required to send them. */
  channelSecret?: string;
  /** Kizuna's webhook URL (`http://127.0.0.1:3000/webhooks/line`). */
  webhookUrl?: string;
  /** The bot's user id (`destination` of webhooks, `/v2/bot/info`). */
  botUserId?: string;
  /** Users who follow the bot: user id -> display name (for `/v2/bot/profile/:userId`). */
  followers?: Record<string, string>;
  clock?: () => number;
  /** Appends every accepted push body to this file (JSON lines), for a check over a whole test run. */
  recordFile?: string;
  /** The LINE Login channel (authorize, token, verify, friendship status, profile); absent = not served. */
  login?: LoginChannel;
}

/** Builds the stand-in; `app` is an express app without `listen`. */
export function createLineStandin(opts: StandinOptions) {
  const clock = opts.clock ?? Date.now;
  const state = new StandinState(clock);
  const richMenus = new RichMenuState();
  const followers = new Map(Object.entries(opts.followers ?? {}));
  const botUserId = opts.botUserId ?? `U${'0'.repeat(31)}1`;
  const app = express();
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    res.set('x-line-request-id', randomUUID());
    next();
  });
  app.get('/', (_req, res) => {
    res.type('html').send(inboxPage(state.pushes, richMenusSection(richMenus)));
  });
  app.get('/__standin/pushes', (_req, res) => {
    res.json({ pushes: state.pushes });
  });
  app.post('/__standin/faults', express.json(), (req, res) => {
    state.faults.push(...(req.body as Fault[]));
    res.json({ queued: state.faults.length });
  });
  app.post('/__standin/quota', express.json(), (req, res) => {
    const problem = setQuota(state, req.body);
    if (problem) return lineError(res, 400, problem);
    res.json({ value: state.quotaLimit, totalUsage: state.usage() });
  });
  app.post('/__standin/webhooks', express.json(), async (req, res) => {
    res.json(await sendWebhook(req.body as WebhookSpec));
  });

  app.use('/v2/bot', (req, res, next) => {
    if (req.get('authorization') !== `Bearer ${opts.channelAccessToken}`) {
      lineError(res, 401, 'Authentication failed. Confirm that the access token in the authorization header is valid.');
      return;
    }
    next();
  });
  app.use(richMenuRouter(richMenus));
  app.use(messageEndpoints({ state, clock, followerCount: () => followers.size, recordFile: opts.recordFile }));
  app.get('/v2/bot/profile/:userId', (req, res) => {
    const name = followers.get(req.params.userId);
    if (name === undefined) return lineError(res, 404, 'Not found');
    res.json({ userId: req.params.userId, displayName: name, language: 'ja' });
  });
  app.get('/v2/bot/info', (_req, res) => {
    res.json({
      userId: botUserId,
      basicId: '@kizuna',
      displayName: 'Kizuna stand-in',
      chatMode: 'bot',
      markAsReadMode: 'auto',
    });
  });
  if (opts.login)
    app.use(
      loginEndpoints(opts.login, { clock, followers, follow: (userId) => sendWebhook({ type: 'follow', userId }) }),
    );
  app.use((_req, res) => lineError(res, 404, 'Not found'));
  app.use(((err: { type?: string; status?: number }, _req, res, _next) => {
    if (err.type === 'entity.too.large') return lineError(res, 413, 'The request body is too large');
    lineError(res, err.status && err.status < 500 ? err.status : 500, 'An error occurred in the stand-in');
  }) as ErrorRequestHandler);

  /** Sends a webhook event; `follow`/`unfollow` also update the followers the profile endpoint knows. */
  async function sendWebhook(spec: WebhookSpec): Promise<WebhookDelivery> {
    if (spec.type === 'follow') followers.set(spec.userId, followers.get(spec.userId) ?? 'LINE user');
    if (spec.type === 'unfollow') followers.delete(spec.userId);
    return deliverEvent(buildWebhookEvent(spec, clock()));
  }

  function deliverEvent(event: Record<string, unknown>): Promise<WebhookDelivery> {
    if (!opts.webhookUrl || !opts.channelSecret) {
      throw new Error('the stand-in needs webhookUrl and channelSecret to send webhooks');
    }
    return postWebhook(opts.webhookUrl, { channelSecret: opts.channelSecret, destination: botUserId, event });
  }

  return {
    app,
    state,
    richMenus,
    pushes: state.pushes,
    /** Queues faults for the next push requests. */
    fault: (...faults: Fault[]) => state.faults.push(...faults),
    sendWebhook,
    /** Sends an event delivered before again, as LINE's redelivery does. */
    redeliver: (event: Record<string, unknown>) => deliverEvent(asRedelivery(event)),
  };
}

/**
 * Sets the channel's quota from `{ value, totalUsage? }`: `value` is the monthly limit (`null`: none),
 * `totalUsage` the messages sent this month before (the stand-in's own are added to it). Returns what is
 * wrong with the body, or null.
 */
function setQuota(state: StandinState, body: unknown): string | null {
  const { value, totalUsage } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const count = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 0;
  if (value !== null && !count(value)) return 'value must be a whole number of messages, or null for no limit';
  if (totalUsage !== undefined && !count(totalUsage)) return 'totalUsage must be a whole number of messages';
  state.quotaLimit = value as number | null;
  if (totalUsage !== undefined) state.usageBefore = totalUsage as number;
  return null;
}
