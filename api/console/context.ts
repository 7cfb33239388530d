/** Builds what a page receives for one request (api/console/page.ts `PageContext`). */
import type { Request } from 'express';
import { LANG_COOKIE, readCookie } from './cookies.js';
import type { ConsoleDeps } from './deps.js';
import { formatters, pickLanguage, translator, type Lang, type Translate } from './i18n.js';
import { coreMessages, type CoreMessageKey } from './messages.js';
import type { PageContext } from './page.js';
import type { SignedIn } from './session.js';

/** The request's language (remembered choice, else `Accept-Language`, else Japanese) and core messages. */
export function requestLanguage(req: Request): { lang: Lang; t: Translate<CoreMessageKey> } {
  const lang = pickLanguage(readCookie(req, LANG_COOKIE), req.get('accept-language'));
  return { lang, t: translator(coreMessages, lang) };
}

/** The page context of a signed-in request. */
export function buildContext(req: Request, deps: ConsoleDeps, signedIn: SignedIn): PageContext {
  const { lang, t } = requestLanguage(req);
  const params = Object.fromEntries(Object.entries(req.params ?? {}).map(([k, v]) => [k, String(v)]));
  return {
    req,
    params,
    query: req.query,
    deps,
    lang,
    t,
    translate: (messages) => translator(messages, lang),
    fmt: formatters(lang, deps.timeZone),
    key: signedIn.key,
    csrf: signedIn.session.csrf,
    can: (scope) => signedIn.key.scopes.includes(scope),
  };
}
