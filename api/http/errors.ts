import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';

/** Error codes the API answers with; stable, for clients to match on (docs/api.md lists them). */
export type ApiErrorCode =
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'INVALID_JSON'
  | 'INVALID_UTF8'
  | 'FORBIDDEN_CHARACTER'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYLOAD_TOO_LARGE'
  | 'VALIDATION_FAILED'
  | 'FORBIDDEN_PROPERTY_KEY'
  | 'FORBIDDEN_PROPERTY_VALUE'
  | 'PROPERTIES_TOO_LARGE'
  | 'BATCH_TOO_LARGE'
  | 'UNKNOWN_PROFILE_FIELD'
  | 'SYSTEM_FIELD'
  | 'PROFILE_FIELD_TYPE'
  | 'INVALID_EMAIL'
  | 'RESUBSCRIBE_NEEDS_OPT_IN'
  | 'LINE_USER_ID_TAKEN'
  | 'UNAUTHENTICATED'
  | 'API_KEY_REVOKED'
  | 'INSUFFICIENT_SCOPE'
  | 'RATE_LIMITED'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'RESERVED_SOURCE'
  | 'CUSTOMER_NOT_FOUND'
  | 'JOURNEY_NOT_FOUND'
  | 'JOURNEY_VERSION_NOT_FOUND'
  | 'INVALID_DEFINITION'
  | 'JOURNEY_ID_MISMATCH'
  | 'NOT_AN_API_ENTRY'
  | 'JOURNEY_ARCHIVED'
  | 'ROUTE_NOT_FOUND'
  | 'INVALID_SIGNATURE'
  | 'LINE_NOT_CONFIGURED'
  | 'LINE_BUDGET_NOT_CONFIGURED'
  | 'DEPENDENCY_UNAVAILABLE'
  | 'INTERNAL';

/** Thrown by route handlers to answer `{ error: { code, message, details } }` with `status`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
    /** Seconds, sent as `Retry-After` (429, 503). */
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Seconds a client should wait before retrying when MongoDB or Temporal is unreachable. */
export const OUTAGE_RETRY_AFTER_S = 5;

export const notFound: RequestHandler = (req, _res, next) => {
  next(new ApiError(404, 'NOT_FOUND', `No route for ${req.method} ${req.path}.`));
};

const MONGO_OUTAGE = /^Mongo(ServerSelection|Network|NetworkTimeout|NotConnected|TopologyClosed)Error$/;
// gRPC status codes of a Temporal server that cannot be reached or does not answer in time.
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;

/** Whether an error means a dependency is down (answer 503 + Retry-After) rather than a bug. */
export function isOutage(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: string; message?: string; code?: unknown; cause?: unknown };
  if (e.name && MONGO_OUTAGE.test(e.name)) return true;
  if (e.name === 'MongooseServerSelectionError') return true;
  if (typeof e.message === 'string' && /buffering timed out|connection .* closed|ECONNREFUSED/.test(e.message))
    return true;
  if (e.code === GRPC_UNAVAILABLE || e.code === GRPC_DEADLINE_EXCEEDED) return true;
  if (e.name === 'ServiceError' || e.name === 'TransportError') return true;
  return e.cause !== undefined && e.cause !== err && isOutage(e.cause);
}

/** Maps what body parsers and dependencies throw to an {@link ApiError}. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const type = (err as { type?: string } | null)?.type;
  if (type === 'entity.parse.failed') return new ApiError(400, 'INVALID_JSON', 'The request body is not valid JSON.');
  if (type === 'body.invalid.utf8') return new ApiError(400, 'INVALID_UTF8', 'The request body is not valid UTF-8.');
  if (type === 'charset.unsupported' || type === 'encoding.unsupported') {
    const message = (err as Error).message;
    return new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `${message[0]!.toUpperCase()}${message.slice(1)}.`);
  }
  if (type === 'entity.too.large')
    return new ApiError(413, 'PAYLOAD_TOO_LARGE', 'The request body is larger than this endpoint accepts.');
  if (isOutage(err)) {
    return new ApiError(
      503,
      'DEPENDENCY_UNAVAILABLE',
      'A dependency (MongoDB or Temporal) is unavailable; nothing was half-written, retry later.',
      undefined,
      OUTAGE_RETRY_AFTER_S,
    );
  }
  return new ApiError(500, 'INTERNAL', 'Internal error.');
}

/** The one error middleware: every failure leaves as `{ error: { code, message, details } }`. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const e = toApiError(err);
    if (e.status >= 500) {
      // The error's message and stack, never the request body: bodies carry personal data.
      logger.error(
        { requestId: req.id, err: { name: (err as Error)?.name, message: (err as Error)?.message } },
        'failed',
      );
    }
    if (e.retryAfterS !== undefined) res.setHeader('Retry-After', String(e.retryAfterS));
    res.status(e.status).json({
      error: { code: e.code, message: e.message, ...(e.details !== undefined ? { details: e.details } : {}) },
    });
  };
}
