// The console's sign-in, session and frame in a real Chromium against the real API: an API key becomes
// an HttpOnly, SameSite=Strict session cookie; refused keys get a clear page and no cookie; sign-out and
// revocation end the session on the server; every POST needs the CSRF token; the language follows
// Accept-Language and the switch; the CSP header is on every page and the pages log no errors; axe-core
// finds no serious or critical violation.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP } from '../../api/console/index.js';
import { revokeApiKey, findApiKeyByToken } from '../../store/apikeys.js';
import { seriousAxeViolations, watchErrors } from '../support/browser.js';
import { signIn, startConsoleHarness, type ConsoleHarness } from './console/harness.js';

let h: ConsoleHarness;
const setCookies = (res: { headers: Record<string, unknown> }) =>
  (res.headers['set-cookie'] as string[] | undefined) ?? [];

beforeAll(async () => {
  h = await startConsoleHarness(import.meta.filename);
});
afterAll(async () => {
  await h?.close();
});

describe('console sign-in', () => {
  it('exchanges a journeys:read key for an HttpOnly, SameSite=Strict session cookie', async () => {
    const context = await h.context();
    const page = await context.newPage();
    const errors = watchErrors(page);
    await signIn(page, await h.api.key(['journeys:read']));
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'kizuna_console');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console' });
    // The key itself is kept nowhere in the browser.
    expect(cookies.map((c) => c.value).join(' ')).not.toContain('kz_');
    expect(await page.locator('nav a[aria-current=page]').textContent()).toBe('ジャーニー');
    expect(errors).toEqual([]);
  });

  it('refuses an unknown key and a key without journeys:read, with a message and no session', async () => {
    const context = await h.context('en-US');
    const page = await context.newPage();
    await page.goto('/console/sign-in');
    await page.locator('#api-key').fill('kz_not-a-key');
    const [unknown] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/console/sign-in') && r.request().method() === 'POST'),
      page.locator('form.sign-in button').click(),
    ]);
    expect(unknown.status()).toBe(401);
    expect(await page.getByRole('alert').textContent()).toContain('the key is not known');
    await page.locator('#api-key').fill(await h.api.key(['events:write']));
    const [scoped] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/console/sign-in') && r.request().method() === 'POST'),
      page.locator('form.sign-in button').click(),
    ]);
    expect(scoped.status()).toBe(403);
    expect(await page.getByRole('alert').textContent()).toContain('lacks the journeys:read scope');
    expect((await context.cookies()).some((c) => c.name === 'kizuna_console')).toBe(false);
    await page.goto('/console/journeys');
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
  });

  it('refuses a sign-in form posted without its CSRF value', async () => {
    const token = await h.api.key(['journeys:read']);
    const res = await request(h.api.app).post('/console/sign-in').type('form').send({ apiKey: token });
    expect(res.status).toBe(403);
    expect(setCookies(res).join(' ')).not.toContain('kizuna_console=');
  });
});

describe('console session', () => {
  it('signs out: the old cookie no longer opens a page', async () => {
    const context = await h.context();
    const page = await context.newPage();
    await signIn(page, await h.api.key(['journeys:read']));
    const cookie = (await context.cookies()).find((c) => c.name === 'kizuna_console')!;
    await page.getByRole('button', { name: 'サインアウト' }).click();
    await page.waitForURL('**/console/sign-in?signed-out');
    expect(await page.getByRole('status').textContent()).toBe('サインアウトしました。');
    const replay = await request(h.api.app).get('/console/journeys').set('cookie', `kizuna_console=${cookie.value}`);
    expect(replay.status).toBe(303);
    expect(replay.headers.location).toBe('/console/sign-in?expired');
  });

  it('ends the session when its key is revoked', async () => {
    const context = await h.context();
    const page = await context.newPage();
    const token = await h.api.key(['journeys:read']);
    await signIn(page, token);
    await revokeApiKey(h.api.store.models, (await findApiKeyByToken(h.api.store.models, token))!.keyId);
    await page.goto('/console/journeys');
    expect(page.url()).toMatch(/\/console\/sign-in\?expired$/);
  });

  it('refuses a POST without the session CSRF token (sign-out stays signed in)', async () => {
    const context = await h.context();
    const page = await context.newPage();
    await signIn(page, await h.api.key(['journeys:read']));
    const cookie = (await context.cookies()).find((c) => c.name === 'kizuna_console')!;
    const forged = await request(h.api.app)
      .post('/console/sign-out')
      .set('cookie', `kizuna_console=${cookie.value}`)
      .type('form')
      .send({ _csrf: 'guess' });
    expect(forged.status).toBe(403);
    expect(forged.text).toContain('CSRF_FAILED');
    await page.goto('/console/journeys');
    expect(new URL(page.url()).pathname).toBe('/console/journeys');
  });

  it('expires a session after its lifetime', async () => {
    const short = await startConsoleHarness(import.meta.filename, { console: { sessionTtlMs: 1_000 } });
    try {
      const context = await short.context();
      const page = await context.newPage();
      await signIn(page, await short.api.key(['journeys:read']));
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      const cookie = (await context.cookies()).find((c) => c.name === 'kizuna_console');
      // The browser dropped the cookie at its Max-Age; the server refuses it too when replayed.
      expect(cookie).toBeUndefined();
      const token = await short.api.key(['journeys:read']);
      const agent = request.agent(short.api.app);
      const form = await agent.get('/console/sign-in');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1]!;
      const signedIn = await agent.post('/console/sign-in').type('form').send({ _csrf: csrf, apiKey: token });
      expect(signedIn.status).toBe(303);
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      const stale = setCookies(signedIn).find((c) => c.startsWith('kizuna_console='))!;
      const res = await request(short.api.app).get('/console/journeys').set('cookie', stale.split(';')[0]!);
      expect(res.headers.location).toBe('/console/sign-in?expired');
    } finally {
      await short.close();
    }
  });
});

describe('console frame', () => {
  it('shows Japanese by default, English from Accept-Language, and remembers the switch', async () => {
    const ja = await (await h.context('ja-JP')).newPage();
    await signIn(ja, await h.api.key(['journeys:read']));
    expect(await ja.locator('html').getAttribute('lang')).toBe('ja');
    await ja.getByRole('link', { name: 'English' }).click();
    await ja.waitForURL('**/console/journeys');
    expect(await ja.locator('html').getAttribute('lang')).toBe('en');
    await ja.reload();
    expect(await ja.locator('h1').textContent()).toBe('Journeys');
    const en = await (await h.context('en-US,en;q=0.9,ja;q=0.5')).newPage();
    await en.goto('/console/sign-in');
    expect(await en.locator('h1').textContent()).toBe('Sign in');
    expect(await en.locator('footer').textContent()).toContain('Asia/Tokyo');
  });

  it('sends the strict CSP on every page and the pages log no error', async () => {
    const page = await (await h.context()).newPage();
    const errors = watchErrors(page);
    const signInPage = await page.goto('/console/sign-in');
    expect(signInPage!.headers()['content-security-policy']).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).not.toContain('unsafe-inline');
    await signIn(page, await h.api.key(['journeys:read']));
    const journeys = await page.goto('/console/journeys');
    expect(journeys!.headers()['content-security-policy']).toBe(CONSOLE_CSP);
    expect(journeys!.headers()['cache-control']).toBe('no-store');
    expect(errors).toEqual([]);
    const missing = await page.goto('/console/no-such-page');
    expect(missing!.status()).toBe(404);
    expect(missing!.headers()['content-security-policy']).toBe(CONSOLE_CSP);
  });

  it('has no serious or critical accessibility violation on the sign-in and journeys pages', async () => {
    const page = await (await h.context()).newPage();
    await page.goto('/console/sign-in');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await signIn(page, await h.api.key(['journeys:read']));
    expect(await seriousAxeViolations(page)).toEqual([]);
  });
});
