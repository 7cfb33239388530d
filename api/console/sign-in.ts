/**
 * Sign-in with an API key (exchanged for a session cookie, the key itself is not kept by the browser),
 * sign-out, and the language switch. The sign-in form is protected by a double-submit CSRF value (a
 * cookie and a hidden field that must match), since there is no session yet to hold one.
 */
import { randomBytes } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import { findApiKeyByToken, type ApiKey } from '../../store/apikeys.js';
import { createConsoleSession, deleteConsoleSession } from '../../store/console-sessions.js';
import { createFailureLimiter } from '../http/token-cache.js';
import { clearCookie, LANG_COOKIE, readCookie, SESSION_COOKIE, SIGN_IN_COOKIE, writeCookie } from './cookies.js';
import type { ConsoleDeps } from './deps.js';
import { html } from './html.js';
import { isLang } from './i18n.js';
import { renderLayout } from './layout.js';
import type { CoreMessageKey } from './messages.js';
import { checkCsrf, loadSignedIn, sameSecret } from './session.js';
import { requestLanguage } from './context.js';

const SIGN_IN_FORM_MS = 60 * 60 * 1000;
const LANG_COOKIE_MS = 365 * 24 * 60 * 60 * 1000;

type Refusal = 'reasonUnknown' | 'reasonRevoked' | 'reasonScope' | 'reasonMissing' | 'reasonForm';

/** Why `key` may not sign in, or null when it may. */
function refusalOf(key: ApiKey | null): Refusal | null {
  if (!key) return 'reasonUnknown';
  if (key.revokedAt) return 'reasonRevoked';
  return key.scopes.includes('journeys:read') ? null : 'reasonScope';
}

/** A local console path to go back to; anything else (another site, `//host`) becomes the journeys. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/console(\/|$|\?)/.test(next) && !next.includes('\\')
    ? next
    : '/console/journeys';
}

function renderSignIn(deps: ConsoleDeps, req: Request, res: Response, status: number, notice?: CoreMessageKey) {
  const { lang, t } = requestLanguage(req);
  const formToken = randomBytes(24).toString('base64url');
  writeCookie(req, res, SIGN_IN_COOKIE, formToken, { maxAgeMs: SIGN_IN_FORM_MS, secure: deps.secureCookies });
  const refused = notice?.startsWith('reason');
  const message = notice && (refused ? t('signInRefused', { reason: t(notice) }) : t(notice));
  const body = html`${message ? html`<p class="notice${refused ? ' error' : ''}" role="${refused ? 'alert' : 'status'}">${message}</p>` : ''}
    <p>${t('signInIntro')}</p>
    <form method="post" action="/console/sign-in" class="sign-in">
      <input type="hidden" name="_csrf" value="${formToken}" />
      <label for="api-key">${t('apiKeyLabel')}</label>
      <input id="api-key" name="apiKey" type="password" autocomplete="off" spellcheck="false" required />
      <button type="submit">${t('signInButton')}</button>
    </form>`;
  res
    .status(status)
    .type('html')
    .send(
      renderLayout({
        lang,
        t,
        title: t('signInTitle'),
        body,
        shopName: deps.shopName,
        timeZone: deps.timeZone,
        currentPath: '/console/sign-in',
      }),
    );
}

/** Adds `/console/sign-in`, `/console/sign-out` and `/console/language/:lang` to `router`. */
export function addSignInRoutes(router: Router, deps: ConsoleDeps): void {
  const failures = createFailureLimiter({ perMinute: 30, clock: deps.clock });

  router.get('/console/sign-in', (req, res) => {
    const notice =
      req.query['signed-out'] !== undefined
        ? 'signedOut'
        : req.query.expired !== undefined
          ? 'sessionExpired'
          : undefined;
    renderSignIn(deps, req, res, 200, notice);
  });

  router.post('/console/sign-in', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const address = req.ip ?? 'unknown';
    const formOk = sameSecret(body._csrf, readCookie(req, SIGN_IN_COOKIE) ?? '');
    if (!formOk) return renderSignIn(deps, req, res, 403, 'reasonForm');
    const waitMs = failures.waitMs(address);
    if (waitMs > 0) {
      res.setHeader('Retry-After', String(Math.ceil(waitMs / 1000)));
      return renderSignIn(deps, req, res, 429, 'reasonUnknown');
    }
    const token = typeof body.apiKey === 'string' ? body.apiKey.trim() : '';
    if (!token) return renderSignIn(deps, req, res, 400, 'reasonMissing');
    const key = await findApiKeyByToken(deps.models, token);
    const refusal = refusalOf(key);
    if (refusal || !key) {
      failures.failed(address);
      return renderSignIn(deps, req, res, refusal === 'reasonScope' ? 403 : 401, refusal ?? 'reasonUnknown');
    }
    const session = await createConsoleSession(deps.models, {
      keyId: key.keyId,
      ttlMs: deps.sessionTtlMs,
      nowMs: deps.clock(),
    });
    writeCookie(req, res, SESSION_COOKIE, session.token, { maxAgeMs: deps.sessionTtlMs, secure: deps.secureCookies });
    clearCookie(req, res, SIGN_IN_COOKIE, deps.secureCookies);
    res.redirect(303, '/console/journeys');
  });

  router.post('/console/sign-out', async (req, res) => {
    const signedIn = await loadSignedIn(deps, req);
    if (signedIn) {
      checkCsrf(req, signedIn.session.csrf);
      await deleteConsoleSession(deps.models, signedIn.token);
    }
    clearCookie(req, res, SESSION_COOKIE, deps.secureCookies);
    res.redirect(303, '/console/sign-in?signed-out');
  });

  router.get('/console/language/:lang', (req, res) => {
    const lang = req.params.lang;
    if (isLang(lang))
      writeCookie(req, res, LANG_COOKIE, lang, { maxAgeMs: LANG_COOKIE_MS, secure: deps.secureCookies });
    res.redirect(303, safeNext(req.query.next));
  });
}
