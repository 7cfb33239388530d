import { spawnSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import express from 'express';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { listenOn, listenSettingsFromEnv } from '../../../api/http/listen.js';
import { temporalConnectionOptions } from '../../../runtime/temporal-connection.js';

const root = join(import.meta.dirname, '..', '..', '..');

describe('where the API listens', () => {
  it('binds 127.0.0.1 by default and logs the address it bound', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const settings = listenSettingsFromEnv({ PORT: '0' });
    expect(settings).toEqual({ host: '127.0.0.1', port: 0 });
    const server = await listenOn(express(), settings, logger);
    try {
      const { address, port } = server.address() as AddressInfo;
      expect(address).toBe('127.0.0.1');
      expect(lines.join('')).toContain(`listening on http://127.0.0.1:${port}`);
    } finally {
      server.close();
    }
  });

  it('binds the host KIZUNA_API_HOST names, and refuses a port that is not one', () => {
    expect(listenSettingsFromEnv({ KIZUNA_API_HOST: '0.0.0.0', PORT: '8080' })).toEqual({
      host: '0.0.0.0',
      port: 8080,
    });
    expect(() => listenSettingsFromEnv({ PORT: 'eighty' })).toThrow(/PORT must be an integer/);
  });
});

describe('the API connects to Temporal as the worker does', () => {
  it('reads mTLS client certificates from the same variables', () => {
    const options = temporalConnectionOptions({
      TEMPORAL_ADDRESS: 'temporal.example:7233',
      TEMPORAL_TLS_CERT: join(root, 'package.json'),
      TEMPORAL_TLS_KEY: join(root, 'tsconfig.json'),
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    });
    expect(options.address).toBe('temporal.example:7233');
    expect(options.tls).toMatchObject({ serverNameOverride: 'temporal.internal' });
    expect(typeof options.tls === 'object' && options.tls.clientCertPair.crt.length).toBeGreaterThan(0);
  });

  it('api/server.ts stops at once when TEMPORAL_TLS_CERT names a file it cannot read', () => {
    const run = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), ['api/server.ts'], {
      cwd: root,
      env: {
        ...process.env,
        TEMPORAL_TLS_CERT: '/nonexistent/client.pem',
        TEMPORAL_TLS_KEY: '/nonexistent/client.key',
        // Nothing listens here: a start that tried the store first would hang on it, not name the file.
        MONGODB_URI: 'mongodb://127.0.0.1:9/kizuna?serverSelectionTimeoutMS=20000',
        NODE_ENV: 'test',
      },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('/nonexistent/client.pem');
  }, 20_000);
});
