/**
 * A local stand-in for LINE's Messaging API, because LINE offers none. It answers the paths Kizuna uses
 * (push, validate/push, quota, quota consumption, profile, bot info) like LINE: bearer token required,
 * bodies validated with LINE's error shape `{ message, details: [{ message, property }] }`, JSON errors
 * for malformed JSON / wrong content type / oversized bodies, `x-line-request-id` on every response,
 * and 409 with `x-line-accepted-request-id` and `sentMessages` for a retry key seen in the last 24 hours.
 * Tests program faults (429, monthly limit, 500, latency, a dropped connection after accepting) and make
 * it send signed webhooks. `GET /` lists the received messages.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import express, { type ErrorRequestHandler, type Request, type Response } from 'express';
import { loginEndpoints, type LoginChannel } from './login.js';
import { inboxPage } from './page.js';
import { RichMenuState, richMenuRouter, richMenusSection } from './richmenus.js';
import { StandinState, type Fault, type RecordedPush } from './state.js';
import { bodyErrorMessage, validatePushBody } from './validate-messages.js';
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

/** Largest request body accepted; larger ones get 413 with a JSON body. */
const MAX_BODY = '2mb';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const QUOTE_TYPES = new Set(['text', 'textV2', 'sticker', 'image', 'video']);

const lineError = (res: Response, status: number, message: string, extra: object = {}) =>
  res.status(status).json({ message, ...extra });

/** Builds the stand-in; `app` is an express app without `listen`. */
export function createLineStandin(opts: StandinOptions) {
  const clock = opts.clock ?? Date.now;
  const state = new StandinState(clock);
  const richMenus = new RichMenuState();
  const followers = new Map(Object.entries(opts.followers ?? {}));
  const botUserId = opts.botUserId ?? `U${'0'.repeat(31)}1`;
  let messageSeq = BigInt(clock()) * 1000n;
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
  const rawJson = express.raw({ type: () => true, limit: MAX_BODY });
  app.post('/v2/bot/message/validate/push', rawJson, (req, res) => {
    const body = readJson(req, res);
    if (body === undefined) return;
    const details = validatePushBody(body);
    if (details.length > 0) return lineError(res, 400, bodyErrorMessage(details.length), { details });
    res.json({});
  });
  app.post('/v2/bot/message/push', rawJson, async (req, res) => {
    const body = readJson(req, res);
    if (body === undefined) return;
    state.bodies.push(body);
    const retryKey = req.get('x-line-retry-key') ?? null;
    if (retryKey !== null) state.retryKeyHits.set(retryKey, (state.retryKeyHits.get(retryKey) ?? 0) + 1);
    if (retryKey !== null && !UUID.test(retryKey)) {
      return lineError(res, 400, "The value for the 'X-Line-Retry-Key' header is invalid");
    }
    const details = validatePushBody(body);
    if (details.length > 0) return lineError(res, 400, bodyErrorMessage(details.length), { details });
    const earlier = retryKey !== null ? state.acceptedFor(retryKey) : null;
    if (earlier) {
      res.set('x-line-accepted-request-id', earlier.requestId);
      return lineError(res, 409, 'The retry key is already accepted', { sentMessages: earlier.sentMessages });
    }
    const fault = state.nextFault();
    if (fault && (await answerFault(fault, res))) return;
    if (state.quotaLimit !== null && state.usage() >= state.quotaLimit) {
      return lineError(res, 429, 'You have reached your monthly limit.');
    }
    const push = accept(res.get('x-line-request-id')!, retryKey, body as { to: string; messages: { type: string }[] });
    if (fault?.kind === 'drop-after-accept') {
      req.socket.destroy();
      return;
    }
    res.json({ sentMessages: push.sentMessages });
  });
  app.get('/v2/bot/message/quota', (_req, res) => {
    res.json(state.quotaLimit === null ? { type: 'none' } : { type: 'limited', value: state.quotaLimit });
  });
  app.get('/v2/bot/message/quota/consumption', (_req, res) => {
    res.json({ totalUsage: state.usage() });
  });
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

  function accept(requestId: string, retryKey: string | null, body: { to: string; messages: { type: string }[] }) {
    const sentMessages = body.messages.map((m) => ({
      id: String((messageSeq += 1n)),
      ...(QUOTE_TYPES.has(m.type) ? { quoteToken: randomBytes(12).toString('base64url') } : {}),
    }));
    const push: RecordedPush = {
      requestId,
      retryKey,
      to: body.to,
      messages: body.messages,
      body,
      sentMessages,
      receivedAt: new Date(clock()).toISOString(),
    };
    state.accept(push);
    if (opts.recordFile) appendFileSync(opts.recordFile, `${JSON.stringify(body)}\n`);
    return push;
  }

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

/** Parses a JSON body as LINE does; answers the error itself and returns undefined when it cannot. */
function readJson(req: Request, res: Response): unknown {
  const type = req.get('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    lineError(res, 415, `The content type, '${type || 'none'}', is not supported. Use 'application/json'.`);
    return undefined;
  }
  try {
    return JSON.parse(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '');
  } catch {
    lineError(res, 400, 'The request body could not be parsed as JSON');
    return undefined;
  }
}

/** Answers a programmed fault; false when the request goes on (latency, drop-after-accept). */
async function answerFault(fault: Fault, res: Response): Promise<boolean> {
  switch (fault.kind) {
    case 'latency':
      await new Promise((ok) => setTimeout(ok, fault.ms));
      return false;
    case 'drop-after-accept':
      return false;
    case 'monthly-limit':
      lineError(res, 429, 'You have reached your monthly limit.');
      return true;
    case 'status':
      if (fault.retryAfterSeconds !== undefined) res.set('retry-after', String(fault.retryAfterSeconds));
      lineError(res, fault.status, fault.message ?? defaultMessage(fault.status));
      return true;
  }
}

function defaultMessage(status: number): string {
  if (status === 429) return 'The API rate limit has been exceeded. Try again later.';
  if (status >= 500) return 'An internal error occurred on the LINE Platform.';
  return 'The request was refused.';
}
