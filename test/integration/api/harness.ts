/**
 * An API on real servers for the integration tests: FerretDB (a database of the test file's own) and
 * the Temporal dev server through the real runtime client side. Without a worker, runs started by the
 * API stay open (signal-with-start and signals behave as in production); tests that need runs to
 * advance start a worker themselves.
 */
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { inject } from 'vitest';
import { createKizunaApi, type AppDeps, type KizunaApi } from '../../../api/app.js';
import type { RuntimePort } from '../../../api/ports.js';
import { loadProfileFieldTypes } from '../../../api/customers/profile-input.js';
import { bindRuntime } from '../../../api/temporal/runtime-binding.js';
import { loadCompileOptions } from '../../../definitions/catalog.js';
import { keyringOf } from '../../../channels/secret-keys.js';
import { projectRoot } from '../../../scripts/servers.js';
import { createApiKey } from '../../../store/apikeys.js';
import { connectStore, type Store } from '../../../store/connection.js';
import { API_SCOPES, type ApiScope } from '../../../store/models/apikey.js';
import { connectTestStore } from '../../support/store.js';

export const LINE_SECRET = 'test-channel-secret';
/** The pseudonym keys erasure uses in the tests: a current key and one from before a rotation. */
export const TEST_PSEUDONYM_KEYS = keyringOf(
  'a-test-pseudonym-secret-of-at-least-32-bytes',
  'an-older-test-pseudonym-secret-of-32-bytes-or-more',
  'test',
);

export interface ApiHarness extends KizunaApi {
  store: Store;
  client: Client;
  runtime: RuntimePort;
  /** A key with every scope. */
  token: string;
  key(scopes: ApiScope[], rateLimitPerMinute?: number): Promise<string>;
  close(): Promise<void>;
}

/** Builds the API on the shared servers; `overrides` replace dependencies (e.g. a failing runtime). */
export async function startApiHarness(
  testFile: string,
  overrides: Partial<AppDeps> = {},
  servers: { mongoUri?: string; temporalAddress?: string; store?: Store; client?: Client; taskQueue?: string } = {},
): Promise<ApiHarness> {
  const store =
    servers.store ??
    (servers.mongoUri
      ? await connectStore(servers.mongoUri, { dbName: 'kizuna', timeoutMs: 2_000 })
      : await connectTestStore(testFile));
  const connection = servers.client
    ? null
    : await Connection.connect({ address: servers.temporalAddress ?? inject('temporalAddress') });
  const client = servers.client ?? new Client({ connection: connection! });
  const runtime = bindRuntime(client, store.models, { deadlineMs: 2_000, taskQueue: servers.taskQueue });
  const definitions = join(projectRoot, 'definitions');
  const api = createKizunaApi({
    readiness: {},
    models: store.models,
    runtime,
    profileFields: loadProfileFieldTypes(join(definitions, 'profile-fields.yaml')),
    compileOptions: loadCompileOptions(definitions, projectRoot),
    lineChannelSecret: LINE_SECRET,
    authCacheMs: 0,
    eventRouterRefreshMs: 0,
    sendsMetricMaxAgeMs: 0,
    pseudonymKeys: TEST_PSEUDONYM_KEYS,
    ...overrides,
  });
  const key = async (scopes: ApiScope[], rateLimitPerMinute?: number) =>
    (await createApiKey(store.models, { name: 'test', scopes, rateLimitPerMinute: rateLimitPerMinute ?? null })).token;
  return {
    ...api,
    store,
    client,
    runtime,
    token: await key([...API_SCOPES]),
    key,
    async close() {
      await api.pipeline.stopOutbox();
      await api.pipeline.idle();
      // A store or client passed in belongs to the caller, who closes it.
      await connection?.close();
      if (!servers.store) await store.close();
    },
  };
}

/** A unique suffix, so runs on the shared Temporal server never collide between tests. */
export const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;

/** A journey entering on `event` (optionally filtered), exiting on `exitOn`, with one wait. */
export function journeyYaml(opts: { id: string; event: string; where?: string; exitOn?: string; waitFor?: string }) {
  return [
    `journey: ${opts.id}`,
    `name: ${opts.id}`,
    'entry:',
    `  event: ${opts.event}`,
    ...(opts.where ? [`  where: ${opts.where}`] : []),
    '  reentry: always',
    ...(opts.exitOn ? ['exit:', `  - on: ${opts.exitOn}`] : []),
    'policy:',
    '  timezone: Asia/Tokyo',
    'steps:',
    ...(opts.waitFor
      ? ['  - id: wait-next', `    wait_for: { event: ${opts.waitFor}, timeout: 30d }`]
      : ['  - id: pause', '    wait: 30d']),
    '',
  ].join('\n');
}
