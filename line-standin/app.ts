/**
 * A local stand-in for LINE's Messaging API, because LINE offers none. It speaks the paths Kizuna
 * uses and answers like LINE: a bearer token is required, a push carries 1 to 5 messages, and an
 * `X-Line-Retry-Key` seen before gets 409 with the first request's id, so a retried push is not
 * delivered twice. Accepted pushes are recorded and readable at `GET /__standin/pushes`.
 */
import { randomUUID } from 'node:crypto';
import express, { type Response } from 'express';

export interface RecordedPush {
  requestId: string;
  retryKey: string | null;
  to: string;
  messages: unknown[];
  receivedAt: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function lineError(res: Response, status: number, message: string, details?: { message: string; property: string }[]) {
  res.status(status).json({ message, ...(details ? { details } : {}) });
}

export function createLineStandin(opts: { channelAccessToken: string }) {
  const pushes: RecordedPush[] = [];
  const retryKeys = new Map<string, string>();
  const app = express();
  app.use(express.json({ limit: '2mb' }));

  app.post('/v2/bot/message/push', (req, res) => {
    if (req.get('authorization') !== `Bearer ${opts.channelAccessToken}`) {
      return lineError(
        res,
        401,
        'Authentication failed. Confirm that the access token in the authorization header is valid.',
      );
    }
    const retryKey = req.get('x-line-retry-key') ?? null;
    if (retryKey !== null && !UUID.test(retryKey)) {
      return lineError(res, 400, "The value for the 'X-Line-Retry-Key' header is invalid");
    }
    const body = req.body as { to?: unknown; messages?: unknown };
    if (typeof body.to !== 'string' || body.to === '') {
      return lineError(res, 400, 'The request body has 1 error(s)', [{ message: 'must be specified', property: 'to' }]);
    }
    if (!Array.isArray(body.messages) || body.messages.length < 1 || body.messages.length > 5) {
      return lineError(res, 400, 'The request body has 1 error(s)', [
        { message: 'Size must be between 1 and 5', property: 'messages' },
      ]);
    }
    if (retryKey !== null && retryKeys.has(retryKey)) {
      res.set('x-line-accepted-request-id', retryKeys.get(retryKey));
      return lineError(res, 409, 'The retry key is already accepted');
    }
    const requestId = randomUUID();
    if (retryKey !== null) retryKeys.set(retryKey, requestId);
    pushes.push({ requestId, retryKey, to: body.to, messages: body.messages, receivedAt: new Date().toISOString() });
    res
      .set('x-line-request-id', requestId)
      .json({ sentMessages: body.messages.map((_, i) => ({ id: `${requestId}-${i}` })) });
  });

  app.get('/__standin/pushes', (_req, res) => {
    res.json({ pushes });
  });

  return { app, pushes };
}
