/**
 * The method guard: a request for a path of the OpenAPI document (api/http/openapi-operations.ts) with
 * a method that path does not have answers 405 METHOD_NOT_ALLOWED with an `Allow` header, and OPTIONS
 * answers 204 with the same header, before any key is checked (the methods of a path are no secret).
 */
import type { RequestHandler } from 'express';
import { ApiError } from './errors.js';
import { OPERATIONS } from './openapi-operations.js';

interface KnownPath {
  pattern: RegExp;
  allow: string[];
}

/** Each documented path as a pattern (a `{param}` is one path segment) with the methods it allows. */
function knownPaths(operations: Record<string, Record<string, unknown>>): KnownPath[] {
  return Object.entries(operations).map(([path, methods]) => {
    const source = path
      .split(/\{\w+\}/)
      .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
      .join('[^/]+');
    const declared = Object.keys(methods).map((m) => m.toUpperCase());
    // HEAD is answered wherever GET is (express runs the GET handler without the body).
    const allow = declared.includes('GET') ? [...declared, 'HEAD'] : declared;
    return { pattern: new RegExp(`^${source}/?$`), allow };
  });
}

/** Answers undeclared methods of known paths (405 + Allow) and OPTIONS (204 + Allow); passes the rest on. */
export function methodGuard(operations: Record<string, Record<string, unknown>> = OPERATIONS): RequestHandler {
  const paths = knownPaths(operations);
  return (req, res, next) => {
    const known = paths.find((p) => p.pattern.test(req.path));
    if (!known || known.allow.includes(req.method)) return next();
    const allow = [...known.allow, 'OPTIONS'].join(', ');
    res.setHeader('Allow', allow);
    if (req.method === 'OPTIONS') return void res.status(204).end();
    next(
      new ApiError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${req.path}; allowed: ${allow}.`, {
        allowed: allow.split(', '),
      }),
    );
  };
}
