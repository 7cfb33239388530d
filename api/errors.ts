import type { ErrorRequestHandler, RequestHandler } from 'express';

/** Error codes the API answers with; stable, for clients to match on. */
export type ApiErrorCode = 'NOT_FOUND' | 'INVALID_JSON' | 'DEPENDENCY_UNAVAILABLE' | 'INTERNAL';

/** Thrown by route handlers to answer `{ error: { code, message, details } }` with `status`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const notFound: RequestHandler = (req, _res, next) => {
  next(new ApiError(404, 'NOT_FOUND', `No route for ${req.method} ${req.path}.`));
};

/** The one error middleware: every failure leaves as `{ error: { code, message, details } }`. */
export const errorHandler: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
  const e =
    err instanceof ApiError
      ? err
      : (err as { type?: string }).type === 'entity.parse.failed'
        ? new ApiError(400, 'INVALID_JSON', 'The request body is not valid JSON.')
        : new ApiError(500, 'INTERNAL', 'Internal error.');
  if (e.status >= 500 && !(err instanceof ApiError)) console.error(err);
  res
    .status(e.status)
    .json({ error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) } });
};
