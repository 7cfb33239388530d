// The console's customer pages in a real Chromium against the real API on FerretDB: look-up by
// customer id, email address and LINE user id; a miss says so; the profile, consent, route with its
// arrivals, tags, and the timeline as GET /v1/customers/:id/timeline pages it ("older"); a key without
// customers:read gets a clear 403 page; the language switch; axe-core; no console errors.
import type { Page } from 'playwright-core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TimelinePage } from '../../api/customers/timeline.js';
import { eventIdFor, insertEvent } from '../../store/events.js';
import { insertRouteTouch, setAcquisitionRoute } from '../../store/routes.js';
import { seriousAxeViolations, watchErrors } from '../support/browser.js';
import { unique } from './api/harness.js';
import { signIn, startConsoleHarness, type ConsoleHarness } from './console/harness.js';

let h: ConsoleHarness;
let reader: string;
const customerId = unique('cust');
const email = `${customerId}@example.com`;
const lineUserId = `U${'0123456789abcdef'.repeat(2)}`;
const T0 = Date.parse('2026-11-02T10:00:00Z');

async function seedCustomer(): Promise<void> {
  const auth = { authorization: `Bearer ${h.api.token}` };
  const profile = { email, lineUserId, displayName: '山田 花子', homeStore: 'shibuya', tags: ['vip', 'coffee'] };
  await request(h.api.app).put(`/v1/customers/${customerId}`).set(auth).send(profile).expect(201);
  const at = new Date(T0 - 86_400_000);
  await insertRouteTouch(h.api.store.models, {
    touchId: unique('touch'),
    routeId: 'spring-flyer-shibuya',
    customerId,
    lineUserId,
    friend: true,
    friendshipStatusChanged: true,
    firstTouch: true,
    at,
  });
  await setAcquisitionRoute(h.api.store.models, customerId, 'spring-flyer-shibuya');
  // 30 events, one a minute: more than one page of the console's timeline (25 items).
  for (let i = 0; i < 30; i++) {
    const key = unique('ev');
    const type = i % 3 === 0 ? 'order.completed' : 'page.viewed';
    const event = { source: 'api', idempotencyKey: key, type, customerId, properties: { n: i } };
    await insertEvent(h.api.store.models, {
      ...event,
      eventId: eventIdFor('api', key),
      occurredAt: new Date(T0 + i * 60_000),
    });
  }
}

beforeAll(async () => {
  h = await startConsoleHarness(import.meta.filename);
  await seedCustomer();
  reader = await h.api.key(['journeys:read', 'customers:read']);
}, 120_000);
afterAll(async () => {
  await h?.close();
});

async function signedIn(token: string, locale = 'ja-JP'): Promise<{ page: Page; errors: string[] }> {
  const context = await h.context(locale);
  const page = await context.newPage();
  const errors = watchErrors(page);
  await signIn(page, token);
  return { page, errors };
}

async function lookUp(page: Page, by: 'id' | 'email' | 'line', value: string) {
  await page.goto('/console/customers');
  await page.locator(`input[name="by"][value="${by}"]`).check();
  await page.locator('#lookup-value').fill(value);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().includes('/console/customers?') && r.request().method() === 'GET'),
    page.locator('form.lookup button[type=submit]').click(),
  ]);
  await page.waitForLoadState();
  return response;
}

const timelineApi = async (query: string): Promise<TimelinePage> =>
  (
    await request(h.api.app)
      .get(`/v1/customers/${customerId}/timeline?${query}`)
      .set('authorization', `Bearer ${h.api.token}`)
      .expect(200)
  ).body as TimelinePage;

describe('customer look-up', () => {
  it('finds the customer by customer id, email address and LINE user id', async () => {
    const { page, errors } = await signedIn(reader);
    for (const [by, value] of [
      ['id', customerId],
      ['email', email],
      ['line', lineUserId],
    ] as const) {
      await lookUp(page, by, value);
      await page.waitForURL(`**/console/customers/${customerId}`);
      expect(await page.locator('h1').textContent()).toBe('山田 花子');
    }
    expect(errors).toEqual([]);
  });

  it('says plainly when no customer matches, for each key', async () => {
    const { page } = await signedIn(reader, 'en-US');
    const misses = [
      ['id', 'nobody-here', 'No customer has the customer id "nobody-here".'],
      ['email', 'nobody@example.com', 'No customer has the email address "nobody@example.com".'],
      ['line', 'U-nobody', 'No customer has the LINE user id "U-nobody".'],
    ] as const;
    for (const [by, value, message] of misses) {
      const response = await lookUp(page, by, value);
      expect(response.status()).toBe(404);
      expect(await page.getByRole('alert').textContent()).toBe(message);
      expect(new URL(page.url()).pathname).toBe('/console/customers');
    }
    expect(await seriousAxeViolations(page)).toEqual([]);
    const unknown = await page.goto('/console/customers/nobody-here');
    expect(unknown?.status()).toBe(404);
    expect(await page.getByRole('alert').textContent()).toContain('There is no customer with the id "nobody-here"');
  });

  it('shows a clear 403 page to a key without customers:read', async () => {
    const { page } = await signedIn(await h.api.key(['journeys:read']), 'en-US');
    for (const path of ['/console/customers', `/console/customers/${customerId}`]) {
      const response = await page.goto(path);
      expect(response?.status()).toBe(403);
      expect(await page.getByRole('alert').textContent()).toBe('This needs the customers:read scope.');
      expect(await page.content()).not.toContain(email);
    }
  });
});

describe('customer page', () => {
  it('shows the profile, consent, route with its arrivals, and tags', async () => {
    const { page, errors } = await signedIn(reader);
    await page.goto(`/console/customers/${customerId}`);
    const fact = (field: string) => page.locator(`[data-field="${field}"] dd`).textContent();
    expect(await fact('customerId')).toBe(customerId);
    expect(await fact('email')).toBe(email);
    expect(await fact('lineUserId')).toBe(lineUserId);
    const api = (
      await request(h.api.app).get(`/v1/customers/${customerId}`).set('authorization', `Bearer ${h.api.token}`)
    ).body as { customer: { consent: { email: string; line: string } } };
    expect(await fact('consent.email')).toBe(api.customer.consent.email);
    expect(await fact('consent.line')).toBe(api.customer.consent.line);
    expect(await fact('acquisitionRoute')).toBe('spring-flyer-shibuya');
    expect(await page.locator('table.touches tr[data-route="spring-flyer-shibuya"]').count()).toBe(1);
    expect(await page.locator('ul.tags li').allTextContents()).toEqual(['vip', 'coffee']);
    expect(await page.locator('table.fields tr[data-field="homeStore"] td').textContent()).toBe('shibuya');
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('pages the timeline as the API does, newest first, with "older"', async () => {
    const { page, errors } = await signedIn(reader);
    await page.goto(`/console/customers/${customerId}`);
    const first = await timelineApi('limit=25');
    const shownIds = async () =>
      Promise.all((await page.locator('table.timeline tbody tr').all()).map((r) => r.getAttribute('data-item')));
    expect(await shownIds()).toEqual(first.items.map((i) => i.id));
    expect(await page.locator('table.timeline tbody tr').first().locator('td').nth(1).textContent()).toBe('イベント');
    expect(first.next).not.toBeNull();
    await page.getByRole('link', { name: 'さらに古いできごと' }).click();
    await page.waitForURL('**/console/customers/*?before=*');
    const second = await timelineApi(`limit=25&before=${encodeURIComponent(first.next!)}`);
    expect(await shownIds()).toEqual(second.items.map((i) => i.id));
    expect(second.items.length).toBeGreaterThan(0);
    expect(await page.locator('a[rel=next]').count()).toBe(second.next ? 1 : 0);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.locator('a.lang-switch').click();
    await page.waitForURL('**/console/customers/*?before=*');
    expect(await page.locator('#h-timeline').textContent()).toBe('Timeline');
    expect(await shownIds()).toEqual(second.items.map((i) => i.id));
    expect(errors).toEqual([]);
  });
});
