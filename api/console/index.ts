/**
 * The marketer's console at `/console`: server-rendered pages (api/console/pages/, one file per page)
 * in a shared layout, signed in with an API key exchanged for a session cookie. Every response carries
 * a strict Content-Security-Policy (scripts and styles only from `/console/assets/`), pages are not
 * cached, and every POST is checked against the session's CSRF token before its handler runs.
 */
import express, { Router, type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import type { ApiError } from '../http/errors.js';
import { toApiError } from '../http/errors.js';
import { assetsHandler } from './assets.js';
import { buildContext, requestLanguage } from './context.js';
import { readCookie, SESSION_COOKIE } from './cookies.js';
import type { ConsoleDeps } from './deps.js';
import { ConsoleError } from './errors.js';
import { html } from './html.js';
import { renderLayout } from './layout.js';
import type { ConsolePage, ConsoleSection, PageAction, PageContext } from './page.js';
import { CONSOLE_PAGES } from './pages/index.js';
import { checkCsrf, loadSignedIn, type SignedIn } from './session.js';
import { addSignInRoutes } from './sign-in.js';

/** The console's Content-Security-Policy: nothing inline, nothing from another origin. */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const securityHeaders: RequestHandler = (req, res, next) => {
  res.setHeader('Content-Security-Policy', CONSOLE_CSP);
  if (!req.path.startsWith('/assets/')) res.setHeader('Cache-Control', 'no-store');
  next();
};

interface ConsoleLocals {
  signedIn?: SignedIn;
  section?: ConsoleSection;
}
const locals = (res: Response) => res.locals as ConsoleLocals;

/** The signed-in context of a request, or a redirect to the sign-in page (then `null`). */
async function signedInContext(deps: ConsoleDeps, req: Request, res: Response): Promise<PageContext | null> {
  const signedIn = await loadSignedIn(deps, req);
  if (!signedIn) {
    const hadSession = readCookie(req, SESSION_COOKIE) !== undefined;
    res.redirect(303, hadSession ? '/console/sign-in?expired' : '/console/sign-in');
    return null;
  }
  locals(res).signedIn = signedIn;
  return buildContext(req, deps, signedIn);
}

function requireScope(ctx: PageContext, scope: ConsolePage['scope']): void {
  if (!ctx.can(scope)) throw new ConsoleError(403, 'INSUFFICIENT_SCOPE', `This needs the ${scope} scope.`, scope);
}

function pageHandler(deps: ConsoleDeps, page: ConsolePage): RequestHandler {
  return async (req, res) => {
    locals(res).section = page.section;
    const ctx = await signedInContext(deps, req, res);
    if (!ctx) return;
    requireScope(ctx, page.scope);
    const result = await page.render(ctx);
    if ('redirect' in result) return res.redirect(303, result.redirect);
    const session = { section: page.section, csrf: ctx.csrf };
    const { title, body } = result;
    const layout = { lang: ctx.lang, t: ctx.t, title, body, session, currentPath: req.originalUrl };
    res.status(result.status ?? 200).type('html');
    res.send(renderLayout({ ...layout, shopName: deps.shopName, timeZone: deps.timeZone }));
  };
}

function actionHandler(deps: ConsoleDeps, page: ConsolePage, action: PageAction): RequestHandler {
  return async (req, res) => {
    locals(res).section = page.section;
    const ctx = await signedInContext(deps, req, res);
    if (!ctx) return;
    checkCsrf(req, ctx.csrf);
    requireScope(ctx, action.scope);
    const { redirect } = await action.handle(ctx);
    res.redirect(303, redirect);
  };
}

/** The message an error page shows, in the request's language. */
function errorMessage(err: ConsoleError | ApiError, t: ReturnType<typeof requestLanguage>['t']): string {
  if (err.status === 404) return t('notFound');
  if (err instanceof ConsoleError && err.code === 'INSUFFICIENT_SCOPE')
    return t('forbidden', { scope: err.scope ?? '' });
  if (err instanceof ConsoleError && err.code === 'CSRF_FAILED') return t('badForm');
  return err.status < 500 ? `${t('failed')} ${err.message}` : t('failed');
}

function consoleErrors(deps: ConsoleDeps): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const e = err instanceof ConsoleError ? err : toApiError(err);
    if (e.status >= 500) {
      deps.logger.error(
        { requestId: req.id, err: { name: (err as Error)?.name, message: (err as Error)?.message } },
        'console failed',
      );
    }
    const { lang, t } = requestLanguage(req);
    const { signedIn, section } = locals(res);
    const body = html`<p class="notice error" role="alert">${errorMessage(e, t)}</p>
      <p class="code">${e.code}</p>
      <p><a href="/console/journeys">${t('back')}</a></p>`;
    const session = signedIn ? { section: section ?? null, csrf: signedIn.session.csrf } : undefined;
    const page = { lang, t, title: t('errorTitle'), body, session, currentPath: '/console/journeys' };
    res
      .status(e.status)
      .type('html')
      .send(renderLayout({ ...page, shopName: deps.shopName, timeZone: deps.timeZone }));
  };
}

/** The console's router (mounted by api/app.ts); `pages` defaults to every module of api/console/pages/. */
export function consoleRouter(deps: ConsoleDeps, pages: readonly ConsolePage[] = CONSOLE_PAGES): Router {
  const router = Router();
  router.use('/console', securityHeaders);
  router.get('/console/assets/:file', assetsHandler());
  router.use('/console', express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 50 }));
  router.get(['/console', '/console/'], (_req, res) => res.redirect(303, '/console/journeys'));
  addSignInRoutes(router, deps);
  for (const page of pages) {
    router.get(`/console${page.path}`, pageHandler(deps, page));
    for (const action of page.actions ?? []) router.post(`/console${action.path}`, actionHandler(deps, page, action));
  }
  router.use('/console', (_req, _res, next) => next(new ConsoleError(404, 'NOT_FOUND', 'No such console page.')));
  router.use('/console', consoleErrors(deps));
  return router;
}
