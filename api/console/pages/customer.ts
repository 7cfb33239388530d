/**
 * `/console/customers/:id`: one customer — profile, consent, route and arrivals, tags, and the
 * timeline a page at a time (`?before=<cursor>` for older items). Needs `customers:read`, the scope
 * of `GET /v1/customers/:id` and of its timeline.
 */
import { findProfile } from '../../../store/customers.js';
import { readCustomerTouches } from '../../../store/routes.js';
import { readTimeline } from '../../customers/timeline.js';
import { ID_PATTERN } from '../../http/schemas.js';
import { customerMessages } from '../customers/messages.js';
import { profileSections } from '../customers/profile-view.js';
import { timelineSection } from '../customers/timeline-view.js';
import { html } from '../html.js';
import type { ConsolePage } from '../page.js';

/** Timeline items a page of the console shows. */
export const CONSOLE_TIMELINE_LIMIT = 25;

export const customerPage: ConsolePage = {
  path: '/customers/:id',
  section: 'customers',
  scope: 'customers:read',
  async render(ctx) {
    const t = ctx.translate(customerMessages);
    const customerId = ctx.params.id ?? '';
    const profile = ID_PATTERN.test(customerId) ? await findProfile(ctx.deps.models, customerId) : null;
    if (!profile) {
      const body = html`<p class="notice error" role="alert">${t('notFound', { value: customerId })}</p>
        <p><a href="/console/customers">${t('backToLookup')}</a></p>`;
      return { title: t('notFoundTitle'), body, status: 404 };
    }
    const before = typeof ctx.query.before === 'string' && ctx.query.before !== '' ? ctx.query.before : undefined;
    const [touches, timeline] = await Promise.all([
      readCustomerTouches(ctx.deps.models, customerId),
      readTimeline(ctx.deps.models, customerId, { before, limit: CONSOLE_TIMELINE_LIMIT }),
    ]);
    const base = `/console/customers/${encodeURIComponent(customerId)}`;
    const name =
      typeof profile.displayName === 'string' && profile.displayName !== '' ? profile.displayName : customerId;
    const body = html`${profileSections(ctx, profile, touches)}
      ${timelineSection(ctx, timeline, base, before !== undefined)}
      <p><a href="/console/customers">${t('backToLookup')}</a></p>`;
    return { title: name, body };
  },
};
