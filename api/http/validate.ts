/** Request validation: zod issues become `VALIDATION_FAILED` with the paths; property bags are checked for size and keys. */
import type { z } from 'zod';
import { ApiError } from './errors.js';
import { MAX_PROPERTIES_BYTES } from './schemas.js';

/** One problem with a request, as `details` lists it. */
export interface Problem {
  path: string;
  code: string;
  message: string;
}

/** Parses `value` with `schema`; throws a 400 VALIDATION_FAILED naming every problem. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ApiError(400, 'VALIDATION_FAILED', 'The request does not have the expected shape.', {
    problems: zodProblems(result.error),
  });
}

/** zod issues as {@link Problem}s. */
export function zodProblems(error: z.ZodError): Problem[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    code: issue.code,
    message: issue.message,
  }));
}

/**
 * Checks a free-form property bag: at most 32 KB as JSON, every key at any depth storable
 * ({@link isStorableKey}: a `$` or `.` would be an operator or a path once the data reaches a MongoDB
 * query; a NUL cannot be encoded), no nesting beyond 20 levels, no array directly inside an array
 * (FORBIDDEN_PROPERTY_VALUE). Returns the first problem, or null.
 */
export function checkProperties(properties: unknown, base: string): ApiError | null {
  const bad = findBadKey(properties, base, 0);
  if (bad) return new ApiError(400, bad.code ?? 'FORBIDDEN_PROPERTY_KEY', bad.message, { path: bad.path });
  const bytes = Buffer.byteLength(JSON.stringify(properties ?? {}));
  if (bytes > MAX_PROPERTIES_BYTES) {
    return new ApiError(
      400,
      'PROPERTIES_TOO_LARGE',
      `"${base}" is ${bytes} bytes as JSON; at most ${MAX_PROPERTIES_BYTES} are accepted.`,
      { path: base, bytes, limit: MAX_PROPERTIES_BYTES },
    );
  }
  return null;
}

/** Longest property key, in characters. */
export const MAX_KEY_LENGTH = 200;

// C0 controls (NUL included: BSON cannot encode it in a key) and DEL.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Whether MongoDB and FerretDB can hold `key` as a field name, and a condition can name it: not empty,
 * at most {@link MAX_KEY_LENGTH} characters, no control character, no leading `$` (an operator), no `.`
 * (a path).
 */
export function isStorableKey(key: string): boolean {
  return key !== '' && key.length <= MAX_KEY_LENGTH && !key.startsWith('$') && !key.includes('.') && !CONTROL.test(key);
}

/**
 * Checks the property bag at `body[field]` before the body's schema does, so a bad key is answered
 * with FORBIDDEN_PROPERTY_KEY and its path rather than a generic VALIDATION_FAILED. Throws the problem.
 */
export function checkBagFirst(body: unknown, field: string): void {
  const bag = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[field] : undefined;
  if (typeof bag !== 'object' || bag === null || Array.isArray(bag)) return;
  const bad = checkProperties(bag, field);
  if (bad) throw bad;
}

type BadValue = { path: string; message: string; code?: 'FORBIDDEN_PROPERTY_VALUE' };

function findBadKey(value: unknown, path: string, depth: number): BadValue | null {
  if (depth > 20) return { path, message: `"${path}" is nested deeper than 20 levels.` };
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      // FerretDB (v1) cannot store an array directly inside an array; MongoDB could, so neither does.
      if (Array.isArray(item)) {
        const at = `${path}.${i}`;
        return {
          path: at,
          code: 'FORBIDDEN_PROPERTY_VALUE',
          message: `"${at}" is an array inside an array, which cannot be stored; wrap it in an object.`,
        };
      }
      const bad = findBadKey(item, `${path}.${i}`, depth + 1);
      if (bad) return bad;
    }
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, item] of Object.entries(value)) {
    if (!isStorableKey(key)) {
      const shown = JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key);
      return {
        path: `${path}.${key}`,
        message: `the key ${shown} in "${path}" is refused: keys are 1 to ${MAX_KEY_LENGTH} characters, without control characters (NUL included), a leading "$" or "."`,
      };
    }
    const bad = findBadKey(item, `${path}.${key}`, depth + 1);
    if (bad) return bad;
  }
  return null;
}
