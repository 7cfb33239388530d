// The operator commands against a running API (real FerretDB, the Temporal dev server), as a marketer
// runs them: `kizuna` through its bin, with KIZUNA_API_URL and KIZUNA_API_KEY.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { projectRoot } from '../../scripts/servers.js';
import { startApiHarness, unique, type ApiHarness } from './api/harness.js';

const run = promisify(execFile);
let h: ApiHarness;
let server: Server;
let env: NodeJS.ProcessEnv;
let dir: string;

async function kizuna(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(projectRoot, 'cli', 'bin.js'), ...args], {
      env,
      cwd: projectRoot,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  h = await startApiHarness(import.meta.filename);
  server = await new Promise((ok) => {
    const s = h.app.listen(0, '127.0.0.1', () => ok(s));
  });
  dir = mkdtempSync(join(tmpdir(), 'kizuna-cli-'));
  env = {
    ...process.env,
    KIZUNA_API_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    KIZUNA_API_KEY: h.token,
    MONGODB_URI: `${inject('mongoUri')}${h.store.connection.name}`,
  };
});

afterAll(async () => {
  await new Promise((ok) => server?.close(ok));
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('kizuna operator commands', () => {
  it('publishes a folder with progress per file, then reports unchanged files', async () => {
    const first = await kizuna('publish', 'definitions/journeys');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('definitions/journeys/upsell.yaml: upsell-grinder v1 published');
    const again = await kizuna('publish', 'definitions/journeys/upsell.yaml');
    expect(again.stdout).toContain('upsell-grinder v1 unchanged');
  });

  it('prints positioned errors for a journey that does not compile', async () => {
    const res = await kizuna('publish', 'test/fixtures/definitions/invalid');
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/:\d+:\d+ [A-Z_]+:/);
  });

  it('publishes with the templates of the --definitions folder, as validate and simulate read it', async () => {
    const defs = join(dir, 'shop-definitions');
    mkdirSync(join(defs, 'templates', 'email'), { recursive: true });
    cpSync(join(projectRoot, 'definitions', 'profile-fields.yaml'), join(defs, 'profile-fields.yaml'));
    cpSync(join(projectRoot, 'definitions', 'links.yaml'), join(defs, 'links.yaml'));
    writeFileSync(
      join(defs, 'templates', 'email', 'shop-only-hello.yaml'),
      'subject: Hello\nhtml: <p>Hello</p>\ntext: Hello\n',
    );
    // The journey lives apart from its definitions folder: nothing above it finds the template.
    const journeys = join(dir, 'campaigns');
    mkdirSync(journeys);
    const journeyId = unique('cli-defs');
    const file = join(journeys, 'hello.yaml');
    writeFileSync(
      file,
      `journey: ${journeyId}\nname: hello\nentry: { api: true }\npolicy:\n  timezone: Asia/Tokyo\nsteps:\n  - id: hello\n    send: { channel: email, template: shop-only-hello }\n`,
    );
    const without = await kizuna('publish', file);
    expect(without.code).toBe(1);
    expect(without.stderr).toContain('UNKNOWN_TEMPLATE');
    const published = await kizuna('publish', file, '--definitions', defs);
    expect(published.code).toBe(0);
    expect(published.stdout).toContain(`${file}: ${journeyId} v1 published`);
    const stored = await h.store.models.Journey.findOne({ journeyId }).lean();
    expect(JSON.parse(stored!.templatesJson)['shop-only-hello'].email.source).toContain('<p>Hello</p>');
    const missing = await kizuna('publish', file, '--definitions', join(dir, 'nowhere'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('is not a folder');
  });

  it('lists journeys, pauses and resumes one, and prints its funnel with an SVG', async () => {
    expect((await kizuna('journeys')).stdout).toMatch(/upsell-grinder\s+v1\s+active/);
    expect((await kizuna('pause', 'upsell-grinder')).stdout).toContain('upsell-grinder v1: paused');
    expect((await kizuna('resume', 'upsell-grinder')).stdout).toContain('active');
    const svg = join(dir, 'upsell.svg');
    const stats = await kizuna('stats', 'upsell-grinder', '--svg', svg);
    expect(stats.code).toBe(0);
    expect(stats.stdout).toContain('upsell-grinder v1: 0 runs');
    expect(readFileSync(svg, 'utf8')).toContain('0 in');
    const missing = await kizuna('pause', 'no-such-journey');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('JOURNEY_NOT_FOUND');
  });

  it('creates an API key (printed once) and reads and erases a customer', async () => {
    const created = await kizuna('apikey', 'create', '--scopes', 'customers:read,customers:write', '--name', 'crm');
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^kz_/);
    const bad = await kizuna('apikey', 'create', '--scopes', 'everything');
    expect(bad.stderr).toContain('unknown scope "everything"');
    const id = unique('cli');
    env.KIZUNA_API_KEY = token;
    const put = await fetch(`${env.KIZUNA_API_URL}/v1/customers/${id}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'cli@example.jp' }),
    });
    expect(put.status).toBe(201);
    expect((await kizuna('customer', 'get', id)).stdout).toContain('cli@example.jp');
    expect((await kizuna('customer', 'erase', id)).stdout).toContain('profile 1');
    expect((await kizuna('customer', 'get', id)).stderr).toContain('CUSTOMER_NOT_FOUND');
    env.KIZUNA_API_KEY = h.token;
  });
});
