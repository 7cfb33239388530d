/**
 * The sending endpoints of the stand-in: push, multicast and broadcast (each under `X-Line-Retry-Key`,
 * 409 for a key accepted in the last 24 hours), validate/push, and the month's quota and consumption,
 * counted as LINE counts them: one message per recipient of every accepted request (a multicast to 3
 * users is 3, a broadcast is one per follower), whatever the number of message objects. Replies are free
 * and not served. Tests set the quota with `POST /__standin/quota`.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import express, { Router, type Request, type Response } from 'express';
import type { Fault, RecordedPush, StandinState } from './state.js';
import { bodyErrorMessage, validatePushBody } from './validate-messages.js';

const MAX_BODY = '2mb';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const USER_ID = /^U[0-9a-f]{32}$/;
const QUOTE_TYPES = new Set(['text', 'textV2', 'sticker', 'image', 'video']);
/** Most recipients of one multicast request. */
const MULTICAST_MAX = 500;

type Body = { to?: unknown; messages: { type: string }[] } & Record<string, unknown>;

/** Answers LINE's error shape. */
export const lineError = (res: Response, status: number, message: string, extra: object = {}) =>
  res.status(status).json({ message, ...extra });

export interface MessageEndpointsOptions {
  state: StandinState;
  clock: () => number;
  /** How many users follow the bot (the recipients of a broadcast). */
  followerCount: () => number;
  /** Appends every accepted push body to this file (JSON lines). */
  recordFile?: string;
}

/** The message endpoints, mounted after the bearer-token check. */
export function messageEndpoints(opts: MessageEndpointsOptions): Router {
  const { state, clock } = opts;
  let messageSeq = BigInt(clock()) * 1000n;
  const router = Router();
  const rawJson = express.raw({ type: () => true, limit: MAX_BODY });
  router.post('/v2/bot/message/validate/push', rawJson, (req, res) => {
    const body = readJson(req, res);
    if (body === undefined) return;
    const details = validatePushBody(body);
    if (details.length > 0) return lineError(res, 400, bodyErrorMessage(details.length), { details });
    res.json({});
  });
  router.post('/v2/bot/message/push', rawJson, (req, res) => send(req, res, 'push'));
  router.post('/v2/bot/message/multicast', rawJson, (req, res) => send(req, res, 'multicast'));
  router.post('/v2/bot/message/broadcast', rawJson, (req, res) => send(req, res, 'broadcast'));
  router.get('/v2/bot/message/quota', (_req, res) => {
    res.json(state.quotaLimit === null ? { type: 'none' } : { type: 'limited', value: state.quotaLimit });
  });
  router.get('/v2/bot/message/quota/consumption', (_req, res) => {
    res.json({ totalUsage: state.usage() });
  });

  async function send(req: Request, res: Response, kind: 'push' | 'multicast' | 'broadcast') {
    const body = readJson(req, res);
    if (body === undefined) return;
    if (kind === 'push') state.bodies.push(body);
    const retryKey = req.get('x-line-retry-key') ?? null;
    if (retryKey !== null) state.retryKeyHits.set(retryKey, (state.retryKeyHits.get(retryKey) ?? 0) + 1);
    if (retryKey !== null && !UUID.test(retryKey)) {
      return lineError(res, 400, "The value for the 'X-Line-Retry-Key' header is invalid");
    }
    const details = validateBody(kind, body);
    if (details.length > 0) return lineError(res, 400, bodyErrorMessage(details.length), { details });
    const earlier = retryKey !== null ? state.acceptedFor(retryKey) : null;
    if (earlier) {
      res.set('x-line-accepted-request-id', earlier.requestId);
      const sent = earlier.sentMessages ? { sentMessages: earlier.sentMessages } : {};
      return lineError(res, 409, 'The retry key is already accepted', sent);
    }
    const fault = state.nextFault();
    if (fault && (await answerFault(fault, res))) return;
    const recipients = recipientsOf(kind, body as Body);
    if (state.overLimit(recipients)) return lineError(res, 429, 'You have reached your monthly limit.');
    const requestId = res.get('x-line-request-id')!;
    if (kind === 'push') {
      const push = accept(requestId, retryKey, body as Body);
      if (fault?.kind === 'drop-after-accept') return req.socket.destroy();
      return res.json({ sentMessages: push.sentMessages });
    }
    state.count({ kind, requestId, recipients, retryKey });
    if (fault?.kind === 'drop-after-accept') return req.socket.destroy();
    res.json({});
  }

  function recipientsOf(kind: 'push' | 'multicast' | 'broadcast', body: Body): number {
    if (kind === 'push') return 1;
    if (kind === 'multicast') return (body.to as string[]).length;
    return opts.followerCount();
  }

  function accept(requestId: string, retryKey: string | null, body: Body): RecordedPush {
    const sentMessages = body.messages.map((m) => ({
      id: String((messageSeq += 1n)),
      ...(QUOTE_TYPES.has(m.type) ? { quoteToken: randomBytes(12).toString('base64url') } : {}),
    }));
    const push: RecordedPush = {
      requestId,
      retryKey,
      to: body.to as string,
      messages: body.messages,
      body,
      sentMessages,
      receivedAt: new Date(clock()).toISOString(),
    };
    state.accept(push);
    if (opts.recordFile) appendFileSync(opts.recordFile, `${JSON.stringify(body)}\n`);
    return push;
  }

  return router;
}

/**
 * The problems of a body: a push's as `validatePushBody` finds them; a multicast's `to` is 1 to 500 user
 * ids (its messages checked as a push's); a broadcast has no `to`.
 */
function validateBody(
  kind: 'push' | 'multicast' | 'broadcast',
  body: unknown,
): { message: string; property: string }[] {
  if (kind === 'push') return validatePushBody(body);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return validatePushBody(body);
  const { to, ...rest } = body as Record<string, unknown>;
  // The messages are checked as a push's, to a placeholder user; `to` is checked here.
  const details = validatePushBody({ ...rest, to: `U${'0'.repeat(32)}` });
  if (kind === 'broadcast') return details;
  if (!Array.isArray(to) || to.length === 0) details.push({ message: 'must be specified', property: 'to' });
  else if (to.length > MULTICAST_MAX)
    details.push({ message: `Size must be between 1 and ${MULTICAST_MAX}`, property: 'to' });
  else
    to.forEach((id, i) => {
      if (typeof id !== 'string' || !USER_ID.test(id))
        details.push({ message: 'invalid user id', property: `to[${i}]` });
    });
  return details;
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
