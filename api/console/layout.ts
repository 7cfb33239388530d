/** The page frame every console page shares: head, header with navigation, language switch, sign-out. */
import { html, type Html } from './html.js';
import type { Lang, Translate } from './i18n.js';
import type { CoreMessageKey } from './messages.js';
import type { ConsoleSection } from './page.js';

/** Paths of the console's assets (served by the console router under `/console/assets/`). */
export const ASSETS = { css: '/console/assets/console.css', js: '/console/assets/console.js' } as const;

const NAV: { section: ConsoleSection; href: string; label: CoreMessageKey }[] = [
  { section: 'journeys', href: '/console/journeys', label: 'navJourneys' },
  { section: 'reports', href: '/console/reports', label: 'navReports' },
  { section: 'customers', href: '/console/customers', label: 'navCustomers' },
];

/** What the layout needs besides the page's own content. */
export interface LayoutInput {
  lang: Lang;
  t: Translate<CoreMessageKey>;
  title: string;
  body: Html;
  shopName: string;
  timeZone: string;
  /** The URL of this page (the language switch comes back to it). */
  currentPath: string;
  /** Absent on the pages before sign-in: no navigation, no sign-out. */
  session?: { section: ConsoleSection | null; csrf: string };
}

/** A language switch link: remembered in a cookie, then back to `currentPath`. */
function languageSwitch(input: LayoutInput): Html {
  const other: Lang = input.lang === 'ja' ? 'en' : 'ja';
  const href = `/console/language/${other}?next=${encodeURIComponent(input.currentPath)}`;
  return html`<a class="lang-switch" href="${href}" hreflang="${other}" lang="${other}"
    >${input.t('languageSwitch')}</a
  >`;
}

function navigation(input: LayoutInput, session: NonNullable<LayoutInput['session']>): Html {
  const items = NAV.map(
    (item) =>
      html`<li>
        <a href="${item.href}" ${item.section === session.section ? html` aria-current="page"` : ''}
          >${input.t(item.label)}</a
        >
      </li>`,
  );
  return html`<nav aria-label="${input.t('navLabel')}">
      <ul>
        ${items}
      </ul>
    </nav>
    <form method="post" action="/console/sign-out" class="sign-out">
      <input type="hidden" name="_csrf" value="${session.csrf}" />
      <button type="submit">${input.t('signOut')}</button>
    </form>`;
}

/** The whole document. */
export function renderLayout(input: LayoutInput): string {
  const { t } = input;
  return html`<!doctype html>
    <html lang="${input.lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>${input.title} | ${t('consoleName')}</title>
        <link rel="stylesheet" href="${ASSETS.css}" />
        <script src="${ASSETS.js}" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">${t('skipToContent')}</a>
        <header class="top">
          <p class="brand">
            <a href="/console/journeys">${t('consoleName')}</a> <span class="shop">${input.shopName}</span>
          </p>
          ${input.session ? navigation(input, input.session) : ''} ${languageSwitch(input)}
        </header>
        <main id="main">
          <h1>${input.title}</h1>
          ${input.body}
        </main>
        <footer><p>${t('timeZoneNote', { zone: input.timeZone })}</p></footer>
      </body>
    </html> `.value;
}
