/**
 * Request ids and access logs. A log line names the route pattern (`/v1/customers/:id`), never the
 * URL, the body or a header value: those carry customer ids, emails and tokens.
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { ApiKey } from '../../store/apikeys.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** The request id: the caller's `X-Request-Id` when it is a sane token, else a new UUID. */
    id: string;
    /** The authenticated key, set by the auth middleware. */
    apiKey?: ApiKey;
    /** The unparsed body, kept by the routers that verify signatures. */
    rawBody?: Buffer;
  }
}

const SANE_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** Assigns the request id, echoes it in `X-Request-Id` and logs one line per request when it ends. */
export function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.get('x-request-id');
    req.id = given && SANE_ID.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', req.id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path;
      logger.info(
        {
          requestId: req.id,
          method: req.method,
          route: route === undefined ? null : `${req.baseUrl}${route}`,
          status: res.statusCode,
          ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
          keyId: req.apiKey?.keyId,
        },
        'request',
      );
    });
    next();
  };
}
