/** The console's cookies: read from the `Cookie` header, written with the attributes each needs. */
import type { Request, Response } from 'express';

/** The session token (HttpOnly, SameSite=Strict). */
export const SESSION_COOKIE = 'kizuna_console';
/** The remembered language choice. */
export const LANG_COOKIE = 'kizuna_console_lang';
/** The sign-in form's CSRF value (double submit: the form carries the same value). */
export const SIGN_IN_COOKIE = 'kizuna_console_signin';

/** The named cookie of the request, or undefined. */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * Sets a cookie scoped to `/console`, HttpOnly and SameSite=Strict (a link from another site neither
 * carries it nor can post with it); `Secure` over HTTPS or when the deployment says so.
 */
export function writeCookie(
  req: Request,
  res: Response,
  name: string,
  value: string,
  opts: { maxAgeMs: number; secure: boolean },
): void {
  res.cookie(name, value, {
    path: '/console',
    httpOnly: true,
    sameSite: 'strict',
    secure: opts.secure || req.secure,
    maxAge: opts.maxAgeMs,
  });
}

/** Removes a cookie set by {@link writeCookie}. */
export function clearCookie(req: Request, res: Response, name: string, secure: boolean): void {
  res.clearCookie(name, { path: '/console', httpOnly: true, sameSite: 'strict', secure: secure || req.secure });
}
