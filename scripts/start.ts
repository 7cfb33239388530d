/**
 * `npm start`: the whole local stack in one command — Temporal (with its Web UI), FerretDB over
 * PostgreSQL, MailDev, the LINE stand-in, the worker and the API — then the demo of scripts/demo.ts
 * (the examples published: journeys, rich menus, routes with their links; a demo run; an arrival
 * through each route and the stores report) so the Temporal UI, the MailDev inbox and the reports show
 * something. Ctrl-C stops every child, newest first.
 */
import { join } from 'node:path';
import { buildProduction, DIST } from './build.js';
import { runDemo } from './demo.js';
import { oldSqliteDataNotice, startDocumentStore } from './document-store.js';
import { localEnv } from './local-env.js';
import { RECOMMENDED_WORKER_HEAP_MB } from '../runtime/worker-settings.js';
import {
  isPortOpen,
  launch,
  projectRoot,
  startTemporalDevServer,
  startTogether,
  type RunningServer,
} from './servers.js';

const DEFAULT_PORTS = {
  temporal: 7233,
  temporalUi: 8233,
  mongodb: 27017,
  postgres: 5433,
  smtp: 1025,
  maildev: 1080,
  line: 3001,
  api: 3000,
};
/** Ports can be moved with KIZUNA_PORT_<NAME> (e.g. KIZUNA_PORT_API=3100), to run beside another stack. */
const PORTS = Object.fromEntries(
  Object.entries(DEFAULT_PORTS).map(([name, port]) => [
    name,
    Number(process.env[`KIZUNA_PORT_${name.toUpperCase()}`] ?? port),
  ]),
) as typeof DEFAULT_PORTS;
const dataDir = process.env.KIZUNA_DATA_DIR ?? join(projectRoot, '.data');
const logFile = (name: string) => join(dataDir, 'logs', `${name}.log`);
/** A PostgreSQL of the user's own for FerretDB; without it, the bundled one runs with its data in .data/postgres/. */
const ownPostgresUrl = process.env.KIZUNA_POSTGRES_URL;
const running: RunningServer[] = [];
let stopping = false;

/** The children's whole environment: nothing of a production shell (API keys, TLS, real URIs) leaks in. */
const env = {
  // Declares local development: only here may the unsubscribe and pseudonym secrets default to values of the code.
  KIZUNA_ENV: 'development',
  TEMPORAL_ADDRESS: `127.0.0.1:${PORTS.temporal}`,
  TEMPORAL_NAMESPACE: 'default',
  MONGODB_URI: `mongodb://127.0.0.1:${PORTS.mongodb}/kizuna`,
  SMTP_URL: `smtp://127.0.0.1:${PORTS.smtp}`,
  LINE_API_BASE_URL: `http://127.0.0.1:${PORTS.line}`,
  LINE_CHANNEL_ACCESS_TOKEN: 'local-line-token',
  // The stand-in signs its webhooks with this secret and the API checks them with it, so
  // `POST /__standin/webhooks` on the stand-in reaches the API's LINE webhook as LINE would.
  LINE_CHANNEL_SECRET: 'local-line-secret',
  LINE_WEBHOOK_URL: `http://127.0.0.1:${PORTS.api}/webhooks/line`,
  LINE_STANDIN_PORT: String(PORTS.line),
  // Friend-add routes: LINE Login on the stand-in, whose consent page offers a few demo LINE users.
  LINE_LOGIN_CHANNEL_ID: '1650000000',
  LINE_LOGIN_CHANNEL_SECRET: 'local-login-secret',
  LINE_LOGIN_AUTHORIZE_URL: `http://127.0.0.1:${PORTS.line}/oauth2/v2.1/authorize`,
  LINE_LOGIN_API_URL: `http://127.0.0.1:${PORTS.line}`,
  PORT: String(PORTS.api),
  /** Set once the store is up: the worker and the API create their PostgreSQL indexes through it. */
  KIZUNA_POSTGRES_URL: ownPostgresUrl ?? '',
};

function log(message: string) {
  console.log(`kizuna: ${message}`);
}

/** Every port the stack needs must be free; name each one taken before starting anything. */
async function checkPorts() {
  const taken = [];
  for (const [name, port] of Object.entries(PORTS)) {
    if (name === 'postgres' && ownPostgresUrl) continue;
    if (await isPortOpen(port)) taken.push(`${port} (${name})`);
  }
  if (taken.length > 0) {
    throw new Error(`ports already in use: ${taken.join(', ')}. Is another \`npm start\` running? Stop it first.`);
  }
}

/** A process of the production build (dist/), run with plain node. */
const builtProcess = (
  name: string,
  file: string,
  ready: { port?: number; readyOutput?: RegExp },
  nodeArgs: string[] = [],
) =>
  launch({
    name,
    command: process.execPath,
    args: [...nodeArgs, join(DIST, file)],
    env: localEnv({ ...env, KIZUNA_WORKFLOW_BUNDLE: join(DIST, 'workflow-bundle.js') }),
    ...ready,
    logFile: logFile(name),
  });

const tsProcess = (name: string, file: string, ready: { port?: number; readyOutput?: RegExp }) =>
  launch({
    name,
    command: process.execPath,
    args: ['--import', 'tsx', join(projectRoot, file)],
    env: localEnv(env),
    ...ready,
    logFile: logFile(name),
  });

/**
 * Starts the servers together; one that fails takes the others down before the error surfaces. The
 * production build (dist/) is brought up to date meanwhile: the worker and the API run from it.
 */
async function startStack() {
  const built = buildProduction({ log });
  const servers = [
    () =>
      startTemporalDevServer({
        port: PORTS.temporal,
        uiPort: PORTS.temporalUi,
        dbFile: join(dataDir, 'temporal.sqlite'),
        logFile: logFile('temporal'),
      }),
    async () => {
      const store = await startDocumentStore({
        port: PORTS.mongodb,
        stateDir: join(dataDir, 'ferretdb'),
        postgres: ownPostgresUrl
          ? { url: ownPostgresUrl }
          : { dataDir: join(dataDir, 'postgres'), port: PORTS.postgres, durable: true, logFile: logFile('postgres') },
        logFile: logFile('ferretdb'),
      });
      // The worker and the API create the store's PostgreSQL indexes beside FerretDB's own.
      env.KIZUNA_POSTGRES_URL = store.postgresUrl;
      return store;
    },
    () =>
      launch({
        name: 'MailDev',
        command: join(projectRoot, 'node_modules', '.bin', 'maildev'),
        args: [
          '--smtp',
          String(PORTS.smtp),
          '--web',
          String(PORTS.maildev),
          '--ip',
          '127.0.0.1',
          '--web-ip',
          '127.0.0.1',
          '--mail-directory',
          join(dataDir, 'maildev'),
        ],
        port: PORTS.maildev,
        logFile: logFile('maildev'),
      }),
    () => tsProcess('LINE stand-in', 'line-standin/server.ts', { port: PORTS.line }),
  ];
  // Both settle before anything surfaces: a failed build must not leave the servers running unnoticed.
  const [up, build] = await Promise.allSettled([startTogether(servers, (server) => running.push(server)), built]);
  if (up.status === 'rejected') throw up.reason;
  if (build.status === 'rejected') throw build.reason;
  log('servers up; starting the worker and the API (dist/, plain node)');
  // The heap limit the worker is meant to run with: without it V8 lets the heaps grow long before collecting.
  const heapLimit = `--max-old-space-size=${RECOMMENDED_WORKER_HEAP_MB}`;
  running.push(await builtProcess('worker', 'worker.js', { readyOutput: /polling task queue/ }, [heapLimit]));
  running.push(await builtProcess('API', 'api/server.js', { port: PORTS.api }));
}

function printUrls(notes: string[]) {
  const rows = [
    ['Temporal Web UI', `http://localhost:${PORTS.temporalUi}`],
    ['Temporal gRPC', `127.0.0.1:${PORTS.temporal}`],
    ['MongoDB (FerretDB)', env.MONGODB_URI],
    ['PostgreSQL', ownPostgresUrl ?? `${env.KIZUNA_POSTGRES_URL}  (data in ${join(dataDir, 'postgres')})`],
    ['MailDev inbox', `http://localhost:${PORTS.maildev}`],
    ['MailDev SMTP', env.SMTP_URL],
    ['LINE stand-in', `${env.LINE_API_BASE_URL}  (messages received; JSON at /__standin/pushes)`],
    ['Kizuna API', `http://localhost:${PORTS.api}  (reference: /docs, health: /healthz)`],
    ['Kizuna console', `http://localhost:${PORTS.api}/console  (sign in with the local API key below)`],
    ['Logs', join(dataDir, 'logs')],
  ];
  console.log('');
  for (const [what, where] of rows) console.log(`  ${what!.padEnd(20)} ${where}`);
  console.log('');
  for (const note of notes) console.log(`  ${note}`);
  console.log('  Press Ctrl-C to stop everything.\n');
}

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  log('stopping...');
  for (const server of [...running].reverse()) {
    await server.stop();
    log(`stopped ${server.name}`);
  }
  process.exit(code);
}

/** A child that dies while the stack runs takes the stack down, naming it and showing its last output. */
function watchChildren() {
  for (const server of running) {
    void server.exited.then((code) => {
      if (stopping) return;
      console.error(`kizuna: ${server.name} exited unexpectedly (${String(code)}). Last output:`);
      console.error(`  ${server.tail().join('\n  ')}`);
      void shutdown(1);
    });
  }
}

async function main() {
  // `on`, not `once`: one Ctrl-C can arrive twice (from the terminal and relayed by tsx), and a second
  // signal must not kill this process halfway through stopping the servers.
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  await checkPorts();
  const notice = oldSqliteDataNotice(join(dataDir, 'ferretdb'));
  if (notice) log(notice);
  log('starting Temporal, PostgreSQL and FerretDB, MailDev and the LINE stand-in...');
  await startStack();
  watchChildren();
  const notes = await runDemo({
    mongoUri: env.MONGODB_URI,
    temporalAddress: env.TEMPORAL_ADDRESS,
    line: { baseURL: env.LINE_API_BASE_URL, channelAccessToken: env.LINE_CHANNEL_ACCESS_TOKEN },
    log,
  });
  printUrls(notes);
}

main().catch(async (err: unknown) => {
  console.error(`kizuna: npm start failed: ${err instanceof Error ? err.message : String(err)}`);
  await shutdown(1);
});
