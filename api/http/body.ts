/**
 * Body parsers for the API's JSON (and YAML text) endpoints. Bodies are UTF-8 only: another charset is
 * refused with 415 UNSUPPORTED_MEDIA_TYPE, and bytes that are not valid UTF-8 with 400 INVALID_UTF8, so
 * a bad byte is never stored as U+FFFD. A body of another media type is refused with 415, not read as
 * an empty object.
 */
import { isUtf8 } from 'node:buffer';
import express, { type RequestHandler } from 'express';
import { ApiError } from './errors.js';

/** The media types of a YAML body (journeys and routes are published as their YAML text too). */
export const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml', 'text/plain'];

/** The media types a JSON endpoint reads. */
export const JSON_TYPES = ['application/json', 'application/*+json'];

/** `type` of the error body-parser passes on when `verify` finds bytes that are not UTF-8. */
const INVALID_UTF8 = 'body.invalid.utf8';

// body-parser decodes with replacement characters; this check sees the raw bytes first.
const verifyUtf8 = (_req: unknown, _res: unknown, buf: Buffer) => {
  if (!isUtf8(buf)) throw Object.assign(new Error('invalid UTF-8'), { type: INVALID_UTF8 });
};

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const unstorable = (text: string) => text.includes('\u0000') || LONE_SURROGATE.test(text);

/** The path of the first key or string holding NUL or a lone surrogate, or null. */
function findUnstorable(value: unknown, path: string): string | null {
  if (typeof value === 'string') return unstorable(value) ? path : null;
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, item] of Object.entries(value)) {
    const at = path === '' ? key : `${path}.${key}`;
    if (unstorable(key)) return at;
    const bad = findUnstorable(item, at);
    if (bad !== null) return bad;
  }
  return null;
}

/**
 * The refusal of NUL and lone surrogates (`"\ud800"`) in any key or string of a parsed value, or null:
 * the store cannot keep NUL (PostgreSQL text) and would write a lone surrogate as U+FFFD, so neither
 * could be stored as sent.
 */
export function unstorableText(value: unknown): ApiError | null {
  const path = findUnstorable(value, '');
  if (path === null) return null;
  return new ApiError(400, 'FORBIDDEN_CHARACTER', 'A key or string holds NUL (\\u0000) or a lone surrogate.', {
    // Escaped (well-formed JSON.stringify writes NUL and lone surrogates as \\u escapes).
    path: JSON.stringify(path).slice(1, -1),
  });
}

const storableText: RequestHandler = (req, _res, next) => next(unstorableText(req.body) ?? undefined);

const hasBody = (req: express.Request) =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

/** Refuses a `charset` other than UTF-8 (JSON is UTF-8: RFC 8259 section 8.1). */
const utf8Only: RequestHandler = (req, _res, next) => {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  if (charset === undefined || charset === 'utf-8' || charset === 'utf8') return next();
  next(
    new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `The body's charset is "${charset}"; only UTF-8 is accepted.`, {
      charset,
      accepted: ['utf-8'],
    }),
  );
};

/**
 * Parses a JSON body of at most `limit` bytes. `otherTypes` are media types a handler after it reads
 * (e.g. YAML text); a body of any other type is refused with 415. `perItem`: the handler checks each item
 * with {@link unstorableText} itself (a batch answers per item), so the body is not refused whole.
 */
export function jsonBody(limit: string, otherTypes: string[] = [], opts: { perItem?: boolean } = {}): RequestHandler {
  const known = [...JSON_TYPES, ...otherTypes];
  const mediaType: RequestHandler = (req, _res, next) => {
    if (!hasBody(req) || req.is(known)) return next();
    next(
      new ApiError(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        `The body's media type is "${req.headers['content-type'] ?? 'none'}"; send application/json.`,
        { accepted: known },
      ),
    );
  };
  const parse = [utf8Only, mediaType, express.json({ limit, verify: verifyUtf8 })];
  return chain(opts.perItem ? parse : [...parse, storableText]);
}

/** Parses a text body of the given media types (YAML) of at most `limit` bytes, as UTF-8. */
export function textBody(types: string[], limit: string): RequestHandler {
  return chain([utf8Only, express.text({ type: types, limit, verify: verifyUtf8 })]);
}

/** One handler running `handlers` in turn, stopping at the first that passes an error on. */
function chain(handlers: RequestHandler[]): RequestHandler {
  return (req, res, next) => {
    const step = (i: number, err?: unknown): void => {
      if (err !== undefined || i === handlers.length) return next(err);
      void handlers[i]!(req, res, (e?: unknown) => step(i + 1, e));
    };
    step(0);
  };
}
