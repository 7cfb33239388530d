import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProduction } from '../../scripts/build.js';
import { freePort, isPortOpen, projectRoot } from '../../scripts/servers.js';
import { KizunaCustomer, KizunaOutcome } from '../../workflows/search-attributes.js';
import { fakeTools } from '../support/fake-tools.js';

const NAMES = ['temporal', 'temporalUi', 'mongodb', 'postgres', 'smtp', 'maildev', 'line', 'api'] as const;
const startScript = join(projectRoot, 'scripts', 'start.ts');

/** A shell set up to operate production: the local stack must come up regardless. */
const PRODUCTION_SHELL = {
  TEMPORAL_API_KEY: 'prod-key',
  TEMPORAL_ADDRESS: 'kizuna.a1b2c.tmprl.cloud:7233',
  TEMPORAL_NAMESPACE: 'kizuna.a1b2c',
  TEMPORAL_TLS_CERT: '/nonexistent/client.pem',
  TEMPORAL_TLS_KEY: '/nonexistent/client.key',
  LINE_CHANNEL_ACCESS_TOKEN: 'prod-line-token',
};

/** Runs `npm start` to its end; resolves with its exit code and output. */
async function runToExit(env: NodeJS.ProcessEnv): Promise<{ code: number | null; text: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', startScript], { env });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, text };
}

describe('npm start (the whole local stack, on ports of its own)', () => {
  const ports = {} as Record<(typeof NAMES)[number], number>;
  const dataDir = mkdtempSync(join(tmpdir(), 'kizuna-start-'));
  // Under root, PostgreSQL runs as `nobody` and must pass through the data folder, as a user's would.
  chmodSync(dataDir, 0o755);
  let child: ChildProcess;
  let output = '';

  beforeAll(async () => {
    // The build is npm start's first step when dist/ is stale; made here, it does not eat the start's deadline.
    await buildProduction();
    for (const name of NAMES) ports[name] = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, ...PRODUCTION_SHELL, KIZUNA_DATA_DIR: dataDir };
    for (const name of NAMES) env[`KIZUNA_PORT_${name.toUpperCase()}`] = String(ports[name]);
    child = spawn(process.execPath, ['--import', 'tsx', startScript], { env });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 120_000;
    while (!output.includes('Press Ctrl-C to stop everything.')) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not come up:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  });

  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the URLs and answers on every port, though the shell is set up for production', async () => {
    expect(output).toContain(`http://localhost:${ports.temporalUi}`);
    expect(output).toContain(`http://localhost:${ports.maildev}`);
    expect(output).toMatch(/journey winback\S* v1 published/);
    for (const name of NAMES) expect(await isPortOpen(ports[name]), name).toBe(true);
    const ready = await fetch(`http://127.0.0.1:${ports.api}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { mongodb: 'ok', temporal: 'ok' } });
    expect((await fetch(`http://127.0.0.1:${ports.temporalUi}/`)).status).toBe(200);
  });

  it('publishes the example rich menus and routes, prints each link, and shows the stores report live', async () => {
    expect(output).toMatch(/rich menu members published \(richmenu-/);
    expect(output).toMatch(/rich menu newcomers published \(richmenu-/);
    for (const id of ['spring-flyer-shibuya', 'register-pop-umeda', 'web-banner-top']) {
      expect(output).toContain(`route ${id} created: http://127.0.0.1:${ports.api}/r/${id}`);
    }
    // One demo LINE user came through each route; the web banner's counts under her home store.
    expect(output).toMatch(/^ +shibuya +visits 1, arrivals 1, friends added 1, customers 1, orders 1 \(¥2400\)$/m);
    expect(output).toMatch(/^ +umeda +visits 1, arrivals 2, friends added 2, customers 2, orders 0 \(¥0\)$/m);
    for (const alias of ['members', 'newcomers']) {
      const menu = await fetch(`http://127.0.0.1:${ports.line}/v2/bot/richmenu/alias/${alias}`, {
        headers: { authorization: 'Bearer local-line-token' },
      });
      expect(menu.status, alias).toBe(200);
      expect(await menu.json()).toMatchObject({
        richMenuAliasId: alias,
        richMenuId: expect.stringMatching(/^richmenu-/),
      });
    }
  });

  it('prints the console URL; the built API serves its sign-in page and its assets', async () => {
    expect(output).toContain(`http://localhost:${ports.api}/console`);
    const signIn = await fetch(`http://127.0.0.1:${ports.api}/console/sign-in`);
    expect(signIn.status).toBe(200);
    expect(await signIn.text()).toContain('name="apiKey"');
    for (const asset of ['console.css', 'console.js']) {
      const res = await fetch(`http://127.0.0.1:${ports.api}/console/assets/${asset}`);
      expect(res.status, asset).toBe(200);
    }
  });

  it('runs the worker and the API from the production build with plain node, no TypeScript loader', () => {
    const commands = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n');
    for (const file of ['dist/worker.js', 'dist/api/server.js']) {
      const ours = commands.filter((c) => c.includes(join(projectRoot, file)));
      expect(ours, file).toHaveLength(1);
      expect(ours[0], file).not.toContain('tsx');
    }
  });

  it('runs the demo journey: listed by search attribute, its email in the MailDev inbox', async () => {
    const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
    const client = new Client({ connection });
    const handle = client.workflow.getHandle('kizuna/winback-90d-demo/demo-customer');
    await handle.result();
    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(KizunaCustomer)).toBe('demo-customer');
    expect(description.typedSearchAttributes.get(KizunaOutcome)).toBe('completed');
    await connection.close();

    await expect
      .poll(
        async () => {
          const res = await fetch(`http://127.0.0.1:${ports.maildev}/api/email`);
          return JSON.stringify(await res.json());
        },
        { timeout: 20_000, interval: 500 },
      )
      .toContain('demo@kizuna.local');
  });

  it('wires the LINE stand-in to the API: a follow sent from the stand-in links the customer, with the LINE name', async () => {
    const userId = 'U00000000000000000000000000f011ow';
    const res = await fetch(`http://127.0.0.1:${ports.line}/__standin/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'follow', userId }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: number }).status).toBe(200);
    const token = /kz_[A-Za-z0-9_-]+/.exec(output)?.[0];
    expect(token).toBeDefined();
    await expect
      .poll(
        async () => {
          const customer = await fetch(`http://127.0.0.1:${ports.api}/v1/customers/line:${userId}`, {
            headers: { authorization: `Bearer ${token!}` },
          });
          if (!customer.ok) return null;
          const { consent, displayName } = ((await customer.json()) as { customer: Record<string, unknown> }).customer;
          return { consent, displayName };
        },
        { timeout: 10_000, interval: 250 },
      )
      // The API read the follower's name from the stand-in's profile endpoint.
      .toMatchObject({ consent: { line: 'following' }, displayName: 'LINE user' });
  });

  it('stops every child on Ctrl-C and frees the ports', async () => {
    const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('stopped Temporal dev server');
    for (const name of NAMES) expect(await isPortOpen(ports[name]), name).toBe(false);
  });

  it('refuses to start when a port is taken, naming it', async () => {
    const blocker = createServer().listen(ports.api, '127.0.0.1');
    await once(blocker, 'listening');
    const env: NodeJS.ProcessEnv = { ...process.env, KIZUNA_DATA_DIR: dataDir };
    for (const name of NAMES) env[`KIZUNA_PORT_${name.toUpperCase()}`] = String(ports[name]);
    const { code, text } = await runToExit(env);
    blocker.close();
    expect(code).toBe(1);
    expect(text).toContain(`ports already in use: ${ports.api} (api)`);
  });

  it('when a server fails at start, stops the others and frees their ports', async () => {
    const tools = fakeTools({ failing: ['ferretdb'] });
    const env: NodeJS.ProcessEnv = { ...process.env, KIZUNA_DATA_DIR: dataDir, KIZUNA_TOOLS_DIR: tools.dir };
    for (const name of NAMES) env[`KIZUNA_PORT_${name.toUpperCase()}`] = String(ports[name]);
    try {
      const { code, text } = await runToExit(env);
      expect(code).toBe(1);
      expect(text).toContain('npm start failed: FerretDB exited (1)');
      expect(text).toContain('ferretdb: cannot open its data directory');
      expect(tools.starts('temporal')).toHaveLength(1);
      for (const name of NAMES) expect(await isPortOpen(ports[name]), name).toBe(false);
    } finally {
      tools.remove();
    }
  });
});
