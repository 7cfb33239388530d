/**
 * Schemathesis (`--checks all`) against the API on the test stack, from the API's own `/openapi.json`:
 * every answer must match the document (status, content type, schema, headers), valid data must be
 * accepted and invalid data refused, undeclared methods answer 405 with `Allow`, nothing answers 5xx.
 * A published API-entry journey, a customer and an API key are supplied by the config; the LINE
 * webhook is signed by test/support/schemathesis-hooks.py. The seed is fixed, so a failure replays.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { projectRoot, toolPath } from '../../scripts/servers.js';
import { LINE_SECRET, startApiHarness, unique, type ApiHarness } from './api/harness.js';

/** The seed of every run: a failure found once is found again. */
const SEED = 20261207;
/** Cases per operation in the generated phases; the coverage phase adds its own boundary cases. */
const MAX_EXAMPLES = 25;
/** Fewer cases than this means the run tested (almost) nothing. */
const MIN_CASES = 500;

let h: ApiHarness;
let server: Server;
let dir: string;

beforeAll(async () => {
  // The fuzzer sends thousands of requests without a key from one address; the per-address limit on
  // them (429 after 60 a minute, tested in auth-limits.test.ts) would answer its auth checks before the
  // 401 they test.
  // LINE Login configured, so routes have links and QR codes (nothing here calls LINE itself).
  h = await startApiHarness(import.meta.filename, {
    failedAuthPerMinute: 1_000_000,
    lineLogin: {
      channelId: '1650000000',
      channelSecret: 'fuzz-login-secret',
      callbackUrl: 'http://127.0.0.1:3000/line/login/callback',
      stateSecret: 'fuzz-state-secret',
    },
  });
  server = createServer(h.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  dir = mkdtempSync(join(tmpdir(), 'kizuna-schemathesis-'));
}, 60_000);
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs a command without blocking this process (the API under test answers from it). */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: dir, env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error: NodeJS.ErrnoException) => {
      // A script whose interpreter is gone (a venv made in a folder that was since moved) also spawns
      // as ENOENT, which names only the script: say how to rebuild it.
      if (error.code === 'ENOENT') error.message += ' (the tool or its Python is missing: run `npm run setup:tools`)';
      reject(error);
    });
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The fixtures the config names: an API-entry journey and a customer. */
async function fixtures() {
  const auth = { authorization: `Bearer ${h.token}` };
  const journeyId = unique('fuzz');
  const yaml = `journey: ${journeyId}\nname: fuzz\nentry:\n  api: true\npolicy:\n  timezone: Asia/Tokyo\nsteps:\n  - id: pause\n    wait: 30d\n`;
  const published = await request(h.app).post('/v1/journeys').set(auth).set('content-type', 'text/yaml').send(yaml);
  expect(published.status).toBe(201);
  const customerId = unique('cust');
  const created = await request(h.app).put(`/v1/customers/${customerId}`).set(auth).send({ email: 'f@example.jp' });
  expect(created.status).toBe(201);
  return { journeyId, customerId };
}

function config(port: number, ids: { journeyId: string; customerId: string }): string {
  return `
seed = ${SEED}
base-url = "http://127.0.0.1:${port}"
workers = 1
headers = { Authorization = "Bearer ${h.token}" }

[generation]
max-examples = ${MAX_EXAMPLES}
# Strings with NUL are refused by every body (400 FORBIDDEN_CHARACTER, stated in the document) and
# tested by api-honest-statuses.test.ts; here they would only hide the other cases.
allow-x00 = false
database = "none"

[[operations]]
include-path-regex = "^/v1/customers/"
parameters = { "path.id" = "${ids.customerId}" }

[[operations]]
include-path-regex = "^/v1/journeys/[{]id[}]"
parameters = { "path.id" = "${ids.journeyId}" }

# Whether a journey's YAML compiles cannot be written as JSON Schema (the document says so in words):
# a valid-looking body that does not compile is answered 422 INVALID_DEFINITION.
[[operations]]
include-path = "/v1/journeys"
include-method = "POST"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "422", "429"]

# A report's period must start before it ends and last at most 366 days: a relation between two
# parameters, which JSON Schema cannot state (the parameters' descriptions say it), answered 400.
[[operations]]
include-path-regex = "^/v1/reports/(routes|stores)$"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404", "409", "429"]
`;
}

it('finds no failure with --checks all, and runs hundreds of cases', async () => {
  const port = (server.address() as AddressInfo).port;
  const ids = await fixtures();
  writeFileSync(join(dir, 'schemathesis.toml'), config(port, ids));
  const junit = join(dir, 'junit.xml');
  const { code, output } = await run(
    toolPath('schemathesis'),
    [
      '--config-file',
      join(dir, 'schemathesis.toml'),
      '--no-color',
      'run',
      `http://127.0.0.1:${port}/openapi.json`,
      '--checks',
      'all',
      '--report',
      'junit',
      '--report-junit-path',
      junit,
    ],
    {
      SCHEMATHESIS_HOOKS: join(projectRoot, 'test/support/schemathesis-hooks.py'),
      KIZUNA_LINE_CHANNEL_SECRET: LINE_SECRET,
    },
  );
  const cases = /Test cases:\s*(\d+) generated/.exec(output)?.[1];
  // Its summary, indented and without the ===== banners: a log reader would take the tool's closing
  // line ("2 warnings in 54s") for the test run's own.
  const summary = output
    .split('\n')
    .slice(-40)
    .map((line) => `  | ${line.replace(/^=+ (.*?) =+$/, '$1')}`);
  console.log(`schemathesis: seed ${SEED}, ${cases ?? '?'} cases\n${summary.join('\n')}`);
  expect(output).not.toMatch(/Failures|FAILED|Errors/);
  expect(code).toBe(0);
  const xml = readFileSync(junit, 'utf8');
  const suite = /<testsuite [^>]*>/.exec(xml)?.[0] ?? '';
  expect(suite).toMatch(/failures="0"/);
  expect(suite).toMatch(/errors="0"/);
  expect(Number(cases)).toBeGreaterThan(MIN_CASES);
}, 600_000);
