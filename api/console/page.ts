/**
 * What a console page module is: a path under `/console`, the navigation section it belongs to, the scope
 * it needs, and a `render` that reads data through the context and returns a title and a body. Pages
 * may declare POST actions (CSRF-checked by the router before they run). See docs/console.md.
 */
import type { Request } from 'express';
import type { ApiKey, ApiScope } from '../../store/apikeys.js';
import type { Html } from './html.js';
import type { Formatters, Lang, Messages, Translate } from './i18n.js';
import type { CoreMessageKey } from './messages.js';
import type { ConsoleDeps } from './deps.js';

/** The navigation sections of the layout. */
export type ConsoleSection = 'journeys' | 'reports' | 'customers';

/** Everything a page gets for one request. */
export interface PageContext {
  req: Request;
  /** Route parameters (`:id`) and the query string, as strings. */
  params: Record<string, string>;
  query: Record<string, unknown>;
  deps: ConsoleDeps;
  lang: Lang;
  /** The core messages (layout, errors); a page translates its own with {@link PageContext.translate}. */
  t: Translate<CoreMessageKey>;
  translate<K extends string>(messages: Messages<K>): Translate<K>;
  fmt: Formatters;
  /** The signed-in key (re-read on every request) and the session's CSRF value for forms. */
  key: ApiKey;
  csrf: string;
  /** True when the key holds `scope` (to show or hide buttons). */
  can(scope: ApiScope): boolean;
}

/** What `render` answers: a page in the layout, or a redirect. */
export type PageResult = { title: string; body: Html; status?: number } | { redirect: string };

/** A POST handler of a page; answers a redirect (post/redirect/get). */
export interface PageAction {
  /** Path under `/console`, express syntax (`/journeys/:id/pause`). */
  path: string;
  scope: ApiScope;
  handle(ctx: PageContext): Promise<{ redirect: string }>;
}

/** One page module (one file in api/console/pages/). */
export interface ConsolePage {
  /** Path under `/console`, express syntax (`/journeys/:id`). */
  path: string;
  section: ConsoleSection;
  /** The scope needed to see the page; every page needs at least `journeys:read` (the sign-in's). */
  scope: ApiScope;
  render(ctx: PageContext): Promise<PageResult>;
  actions?: PageAction[];
}
