import { describe, expect, it } from 'vitest';
import { localEnv } from '../../scripts/local-env.js';

/** A shell set up to operate production: none of it may reach the local stack. */
const productionShell: NodeJS.ProcessEnv = {
  PATH: '/usr/local/bin:/usr/bin',
  HOME: '/home/ops',
  LANG: 'ja_JP.UTF-8',
  LC_TIME: 'C',
  TZ: 'Asia/Tokyo',
  TEMPORAL_API_KEY: 'prod-key',
  TEMPORAL_ADDRESS: 'kizuna.a1b2c.tmprl.cloud:7233',
  TEMPORAL_NAMESPACE: 'kizuna.a1b2c',
  TEMPORAL_TLS_CERT: '/etc/kizuna/client.pem',
  TEMPORAL_TLS_KEY: '/etc/kizuna/client.key',
  TEMPORAL_PROFILE: 'prod',
  MONGODB_URI: 'mongodb+srv://ops:secret@cluster0.example.net/kizuna',
  SMTP_URL: 'smtps://ops:secret@smtp.example.net',
  MAIL_FROM: 'Shop <news@shop.example.jp>',
  LINE_CHANNEL_ACCESS_TOKEN: 'prod-line-token',
  HTTPS_PROXY: 'http://proxy.example.net:3128',
  FERRETDB_LISTEN_TLS: ':27018',
};

describe('localEnv', () => {
  it('keeps what a process needs to run and drops production settings and credentials', () => {
    expect(localEnv({}, productionShell)).toEqual({
      PATH: '/usr/local/bin:/usr/bin',
      HOME: '/home/ops',
      LANG: 'ja_JP.UTF-8',
      LC_TIME: 'C',
      TZ: 'Asia/Tokyo',
    });
  });

  it('sets the local values on top', () => {
    const env = localEnv({ TEMPORAL_ADDRESS: '127.0.0.1:7233', PORT: '3000' }, productionShell);
    expect(env.TEMPORAL_ADDRESS).toBe('127.0.0.1:7233');
    expect(env.PORT).toBe('3000');
    expect(env.TEMPORAL_API_KEY).toBeUndefined();
  });
});
