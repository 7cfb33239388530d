/**
 * The signed-in state of a console request: the session cookie's session, and the API key it was opened
 * with, re-read on every request (a revoked key or a removed scope takes effect at once). Forms carry
 * the session's CSRF value, compared in constant time.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { findApiKeyById, type ApiKey } from '../../store/apikeys.js';
import { deleteConsoleSession, findConsoleSession, type ConsoleSession } from '../../store/console-sessions.js';
import { readCookie, SESSION_COOKIE } from './cookies.js';
import type { ConsoleDeps } from './deps.js';
import { ConsoleError } from './errors.js';

/** A live session and its key. */
export interface SignedIn {
  token: string;
  session: ConsoleSession;
  key: ApiKey;
}

/**
 * The request's session, or `null` when there is none, it expired, or its key is gone, revoked or no
 * longer holds `journeys:read` (then the session is deleted: signing in again is the way back).
 */
export async function loadSignedIn(deps: ConsoleDeps, req: Request): Promise<SignedIn | null> {
  const token = readCookie(req, SESSION_COOKIE);
  if (!token) return null;
  const session = await findConsoleSession(deps.models, token, deps.clock());
  if (!session) return null;
  const key = await findApiKeyById(deps.models, session.keyId);
  if (!key || key.revokedAt || !key.scopes.includes('journeys:read')) {
    await deleteConsoleSession(deps.models, token);
    return null;
  }
  return { token, session, key };
}

/** True when `given` equals `expected` (constant time over equal lengths). */
export function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Throws 403 CSRF_FAILED unless the form's `_csrf` is the session's. */
export function checkCsrf(req: Request, expected: string): void {
  const body = req.body as Record<string, unknown> | undefined;
  if (!sameSecret(body?._csrf, expected)) {
    throw new ConsoleError(403, 'CSRF_FAILED', 'The form does not carry this session’s CSRF token.');
  }
}
