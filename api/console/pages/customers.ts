/**
 * `/console/customers?by=id|email|line&q=...`: looks a customer up by customer id, email address or
 * LINE user id. One match opens the customer's page; several (an address two profiles share) are
 * listed; none says so plainly. Needs `customers:read`, as the API's customer reads do.
 */
import { findCustomerIdByLineUser, findProfile } from '../../../store/customers.js';
import { findCustomerIdsByEmail } from '../../../store/customer-lookup.js';
import { ID_PATTERN } from '../../http/schemas.js';
import { customerMessages, type CustomerMessageKey } from '../customers/messages.js';
import { html, type Html } from '../html.js';
import type { ConsolePage, PageContext } from '../page.js';

/** What a look-up may be by. */
const LOOKUPS = ['id', 'email', 'line'] as const;
type LookupBy = (typeof LOOKUPS)[number];
const LABELS: Record<LookupBy, CustomerMessageKey> = { id: 'byId', email: 'byEmail', line: 'byLine' };
const MISSES: Record<LookupBy, CustomerMessageKey> = { id: 'missId', email: 'missEmail', line: 'missLine' };
/** Most customers listed for one email address. */
const MAX_MATCHES = 20;

function lookupForm(ctx: PageContext, by: LookupBy, value: string): Html {
  const t = ctx.translate(customerMessages);
  const radios = LOOKUPS.map(
    (kind) =>
      html`<label class="choice"
        ><input type="radio" name="by" value="${kind}" ${kind === by ? html`checked` : ''} /> ${t(LABELS[kind])}</label
      >`,
  );
  return html`<form method="get" action="/console/customers" class="lookup">
    <fieldset>
      <legend>${t('by')}</legend>
      ${radios}
    </fieldset>
    <label for="lookup-value">${t('value')}</label>
    <input id="lookup-value" name="q" type="search" value="${value}" required maxlength="320" autocomplete="off" />
    <button type="submit" class="primary">${t('search')}</button>
  </form>`;
}

/** The ids matching the look-up (null: the value cannot be a customer id). */
async function lookUp(ctx: PageContext, by: LookupBy, value: string): Promise<string[] | null> {
  const models = ctx.deps.models;
  if (by === 'email') return findCustomerIdsByEmail(models, value, MAX_MATCHES);
  if (by === 'line') {
    const id = await findCustomerIdByLineUser(models, value);
    return id === null ? [] : [id];
  }
  if (!ID_PATTERN.test(value)) return null;
  return (await findProfile(models, value)) ? [value] : [];
}

const customerHref = (id: string) => `/console/customers/${encodeURIComponent(id)}`;

export const customersPage: ConsolePage = {
  path: '/customers',
  section: 'customers',
  scope: 'customers:read',
  async render(ctx) {
    const t = ctx.translate(customerMessages);
    const by: LookupBy = LOOKUPS.find((kind) => kind === ctx.query.by) ?? 'id';
    const value = typeof ctx.query.q === 'string' ? ctx.query.q.trim() : '';
    const form = lookupForm(ctx, by, value);
    const page = (body: Html, status = 200) => ({ title: t('lookupTitle'), body, status });
    if (value === '')
      return page(
        html`<p>${t('lookupIntro')}</p>
          ${form}`,
      );
    const ids = await lookUp(ctx, by, value);
    if (ids === null)
      return page(
        html`${form}
          <p class="notice error" role="alert">${t('badId', { value })}</p>`,
        400,
      );
    if (ids.length === 1) return { redirect: customerHref(ids[0]!) };
    if (ids.length === 0) {
      return page(
        html`${form}
          <p class="notice error" role="alert">${t(MISSES[by], { value })}</p>`,
        404,
      );
    }
    const list = ids.map((id) => html`<li><a href="${customerHref(id)}">${id}</a></li>`);
    return page(
      html`${form}
        <p role="status">${t('several', { value, count: ids.length })}</p>
        <ul class="matches">
          ${list}
        </ul>`,
    );
  },
};
