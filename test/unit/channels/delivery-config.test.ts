import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SHOP_NAME,
  DeliveryConfigError,
  deliverySettingsFromEnv,
  isProductionEnv,
  unsubscribeSettingsFromEnv,
} from '../../../channels/delivery-config.js';
import { DEFAULT_TOKEN_TTL_MS } from '../../../channels/unsubscribe-token.js';
import { localEnv } from '../../../scripts/local-env.js';
import { projectRoot } from '../../../scripts/servers.js';

/** Declared local development: the only place a secret may default to a value of the code. */
const LOCAL = { KIZUNA_ENV: 'development' };

const PRODUCTION = {
  UNSUBSCRIBE_SECRET: 'a-production-secret-of-at-least-32-bytes!',
  PUBLIC_BASE_URL: 'https://kizuna.shop.example.jp',
  MAIL_FROM: '"珈琲焙煎所きずな" <news@shop.example.jp>',
  UNSUBSCRIBE_MAILTO: 'unsubscribe@shop.example.jp',
};

function configError(env: Record<string, string>): DeliveryConfigError {
  try {
    deliverySettingsFromEnv(env);
  } catch (err) {
    if (err instanceof DeliveryConfigError) return err;
    throw err;
  }
  throw new Error('no DeliveryConfigError');
}

describe('delivery settings from the environment', () => {
  it.each([
    [{}, false],
    [{ SMTP_URL: 'smtp://127.0.0.1:1025' }, false],
    [
      { SMTP_URL: 'smtp://localhost:25', LINE_CHANNEL_ACCESS_TOKEN: 't', LINE_API_BASE_URL: 'http://127.0.0.1:3001' },
      false,
    ],
    [{ NODE_ENV: 'production' }, true],
    [{ SMTP_URL: 'smtps://user:pass@smtp.sendgrid.net:465' }, true],
    [{ LINE_CHANNEL_ACCESS_TOKEN: 'a-real-token' }, true],
  ])('%j is production: %s', (env, production) => {
    expect(isProductionEnv(env)).toBe(production);
  });

  it('with KIZUNA_ENV=development every setting has a default, and one shop name is on the page and in the From', () => {
    const s = deliverySettingsFromEnv(LOCAL);
    expect(s).toMatchObject({
      smtpUrl: 'smtp://127.0.0.1:1025',
      publicBaseUrl: 'http://localhost:3000',
      shopName: DEFAULT_SHOP_NAME,
      from: `"${DEFAULT_SHOP_NAME}" <no-reply@kizuna.local>`,
      dkim: null,
      replyTo: null,
      line: null,
    });
    expect(unsubscribeSettingsFromEnv(LOCAL)).toEqual({
      secret: s.unsubscribeKeys,
      tokenTtlMs: DEFAULT_TOKEN_TTL_MS,
      shopName: DEFAULT_SHOP_NAME,
    });
    expect(deliverySettingsFromEnv({ ...LOCAL, SHOP_NAME: 'Kizuna Roasters' }).from).toBe(
      '"Kizuna Roasters" <no-reply@kizuna.local>',
    );
  });

  it('DKIM and Reply-To come from the environment', () => {
    const s = deliverySettingsFromEnv({
      ...PRODUCTION,
      SMTP_URL: 'smtp://relay.example.jp:587',
      MAIL_REPLY_TO: 'support@shop.example.jp',
      DKIM_DOMAIN: 'shop.example.jp',
      DKIM_SELECTOR: 'kizuna',
      DKIM_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\n...',
    });
    expect(s.dkim).toEqual({
      domainName: 'shop.example.jp',
      keySelector: 'kizuna',
      privateKey: '-----BEGIN PRIVATE KEY-----\n...',
    });
    expect(s.replyTo).toBe('support@shop.example.jp');
  });

  it('production without the settings that reach customers refuses, naming each of them', () => {
    const err = configError({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://kizuna.shop.example.jp' });
    expect(err.settings).toEqual(['UNSUBSCRIBE_SECRET', 'MAIL_FROM', 'UNSUBSCRIBE_MAILTO']);
    expect(err.message).toMatch(/production.*UNSUBSCRIBE_SECRET is required; MAIL_FROM is required/);
    expect(configError({ SMTP_URL: 'smtp://relay.example.jp:587' }).settings).toContain('PUBLIC_BASE_URL');
    expect(() => unsubscribeSettingsFromEnv({ NODE_ENV: 'production' })).toThrow(/UNSUBSCRIBE_SECRET is required/);
    expect(deliverySettingsFromEnv({ NODE_ENV: 'production', ...PRODUCTION }).unsubscribeKeys.current.secret).toBe(
      PRODUCTION.UNSUBSCRIBE_SECRET,
    );
  });

  it('a short secret or half a DKIM configuration is refused everywhere', () => {
    expect(configError({ UNSUBSCRIBE_SECRET: 'short' }).settings).toEqual(['UNSUBSCRIBE_SECRET']);
    expect(configError({ ...LOCAL, UNSUBSCRIBE_PREVIOUS_SECRETS: 'short' }).settings).toEqual(['UNSUBSCRIBE_SECRET']);
    expect(configError({ ...LOCAL, DKIM_DOMAIN: 'shop.example.jp' }).settings).toEqual(['DKIM_DOMAIN']);
  });

  it.each<Record<string, string>>([
    {},
    { SMTP_URL: 'smtp://127.0.0.1:1025' },
    { NODE_ENV: 'development' },
    { KIZUNA_ENV: 'staging' },
  ])('the unsubscribe secret has no default outside KIZUNA_ENV=development: %j', (env) => {
    expect(configError(env).settings).toEqual(['UNSUBSCRIBE_SECRET']);
    expect(configError(env).message).toMatch(/UNSUBSCRIBE_SECRET is required \(unless KIZUNA_ENV=development\)/);
    expect(() => unsubscribeSettingsFromEnv(env)).toThrow(/UNSUBSCRIBE_SECRET is required/);
  });

  it('reads previous secrets and the token lifetime', () => {
    const previous = 'a-previous-secret-of-at-least-32-bytes!!';
    const s = deliverySettingsFromEnv({
      ...LOCAL,
      UNSUBSCRIBE_SECRET: PRODUCTION.UNSUBSCRIBE_SECRET,
      UNSUBSCRIBE_PREVIOUS_SECRETS: previous,
      UNSUBSCRIBE_TOKEN_TTL_DAYS: '30',
    });
    expect(s.unsubscribeKeys.previous.map((k) => k.secret)).toEqual([previous]);
    expect(s.unsubscribeTokenTtlMs).toBe(30 * 86_400_000);
    expect(configError({ ...LOCAL, UNSUBSCRIBE_TOKEN_TTL_DAYS: '0' }).settings).toEqual(['UNSUBSCRIBE_TOKEN_TTL_DAYS']);
  });
});

describe('the worker process', () => {
  it('refuses to start in production without the delivery settings, with one clear line', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot, 'worker.ts')], {
      env: localEnv({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://kizuna.shop.example.jp' }),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(
      'kizuna worker: failed to start: delivery settings (production: see docs/configuration.md): ' +
        'UNSUBSCRIBE_SECRET is required; MAIL_FROM is required; UNSUBSCRIBE_MAILTO is required',
    );
  }, 60_000);
});
