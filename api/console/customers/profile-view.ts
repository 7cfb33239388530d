/** The profile part of a customer's page: identity, consent, route and arrivals, tags, other attributes. */
import type { Profile } from '../../../store/customers.js';
import type { RouteTouch } from '../../../store/routes.js';
import { dataTable, factList, html, type Html } from '../html.js';
import type { PageContext } from '../page.js';
import { customerMessages, type CustomerMessageKey } from './messages.js';

/** Profile fields shown in their own sections; the rest go to "other attributes". */
const IDENTITY = ['customerId', 'email', 'lineUserId', 'displayName', 'locale', 'timezone'] as const;
const SHOWN = new Set<string>([
  ...IDENTITY,
  'createdAt',
  'updatedAt',
  'consent',
  'tags',
  'acquisitionRoute',
  'acquisitionSource',
]);

/** A profile value as text: dates in the shop's zone, objects and lists as JSON. */
export function valueText(ctx: PageContext, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (value instanceof Date) return ctx.fmt.dateTime(value);
  if (typeof value === 'number') return ctx.fmt.number(value);
  if (typeof value === 'object') return JSON.stringify(value);
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? '—';
}

function definitions(ctx: PageContext, profile: Profile, keys: readonly string[], cls: string): Html {
  const t = ctx.translate(customerMessages);
  const facts = keys.map((key) => ({
    field: key,
    term: t(key as CustomerMessageKey),
    value: valueText(ctx, profile[key]),
  }));
  return factList(cls, facts);
}

function consentSection(ctx: PageContext, profile: Profile): Html {
  const t = ctx.translate(customerMessages);
  const consent = (profile.consent ?? {}) as Record<string, unknown>;
  return html`<section aria-labelledby="h-consent">
    <h2 id="h-consent">${t('consent')}</h2>
    ${factList('consent', [
      { field: 'consent.email', term: t('consentEmail'), value: valueText(ctx, consent.email) },
      { field: 'consent.line', term: t('consentLine'), value: valueText(ctx, consent.line) },
    ])}
  </section>`;
}

function routeSection(ctx: PageContext, profile: Profile, touches: readonly RouteTouch[]): Html {
  const t = ctx.translate(customerMessages);
  const yesNo = (b: boolean) => (b ? t('yes') : t('no'));
  const rows = [...touches]
    .sort((a, b) => b.at.getTime() - a.at.getTime())
    .map(
      (touch) =>
        html`<tr data-route="${touch.routeId}">
          <td>${ctx.fmt.dateTime(touch.at)}</td>
          <th scope="row">${touch.routeId}</th>
          <td>${yesNo(touch.friend)}</td>
          <td>${yesNo(touch.firstTouch)}</td>
        </tr>`,
    );
  const table = dataTable({
    className: 'touches',
    caption: t('touches'),
    heads: [t('touchAt'), t('touchRoute'), t('touchFriend'), t('touchFirst')],
    rows,
  });
  return html`<section aria-labelledby="h-route">
    <h2 id="h-route">${t('route')}</h2>
    ${definitions(ctx, profile, ['acquisitionRoute', 'acquisitionSource'], 'route')}
    ${touches.length > 0 ? table : html`<p>${t('noTouches')}</p>`}
  </section>`;
}

function tagsSection(ctx: PageContext, profile: Profile): Html {
  const t = ctx.translate(customerMessages);
  const tags = Array.isArray(profile.tags) ? (profile.tags as unknown[]).map(String) : [];
  const list = html`<ul class="tags">
    ${tags.map((tag) => html`<li>${tag}</li>`)}
  </ul>`;
  return html`<section aria-labelledby="h-tags">
    <h2 id="h-tags">${t('tags')}</h2>
    ${tags.length > 0 ? list : html`<p>${t('noTags')}</p>`}
  </section>`;
}

function otherFields(ctx: PageContext, profile: Profile): Html {
  const t = ctx.translate(customerMessages);
  const keys = Object.keys(profile)
    .filter((k) => !SHOWN.has(k))
    .sort();
  if (keys.length === 0) return html``;
  const rows = keys.map(
    (k) =>
      html`<tr data-field="${k}">
        <th scope="row">${k}</th>
        <td>${valueText(ctx, profile[k])}</td>
      </tr>`,
  );
  return html`<section aria-labelledby="h-fields">
    <h2 id="h-fields">${t('fields')}</h2>
    ${dataTable({ className: 'fields', heads: [t('field'), t('fieldValue')], rows })}
  </section>`;
}

/** Every profile section of the page. */
export function profileSections(ctx: PageContext, profile: Profile, touches: readonly RouteTouch[]): Html {
  const t = ctx.translate(customerMessages);
  return html`<section aria-labelledby="h-profile">
      <h2 id="h-profile">${t('profile')}</h2>
      ${definitions(ctx, profile, [...IDENTITY, 'createdAt', 'updatedAt'], 'identity')}
    </section>
    ${consentSection(ctx, profile)} ${routeSection(ctx, profile, touches)} ${tagsSection(ctx, profile)}
    ${otherFields(ctx, profile)}`;
}
