/**
 * The local document store: FerretDB (the MongoDB wire protocol) over PostgreSQL. Not FerretDB's
 * SQLite handler, which filters every query but `_id` by reading the whole collection.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { startPostgres } from './postgres.js';
import { freePort, launch, toolPath, type RunningServer } from './servers.js';

export interface DocumentStore extends RunningServer {
  /** The PostgreSQL database FerretDB stores into (for the store's own PostgreSQL indexes). */
  postgresUrl: string;
}

interface DocumentStoreOptions {
  /** FerretDB's port (the MongoDB wire protocol). */
  port: number;
  /** FerretDB's state (telemetry choice, instance id) goes here, not into the working directory. */
  stateDir: string;
  /** A PostgreSQL of the user's own (`KIZUNA_POSTGRES_URL`), or the bundled one started here. */
  postgres:
    | { url: string }
    | { dataDir: string; port: number; durable?: boolean; logFile?: string; settings?: Record<string, string> };
  logFile?: string;
}

/**
 * Starts PostgreSQL (unless a URL is given), then FerretDB with its PostgreSQL handler, telemetry and
 * its debug listener off (so several can run side by side). Stopping the result stops both, FerretDB first.
 */
export async function startDocumentStore(opts: DocumentStoreOptions): Promise<DocumentStore> {
  const postgres = 'url' in opts.postgres ? null : await startPostgres(opts.postgres);
  const postgresUrl = postgres?.url ?? (opts.postgres as { url: string }).url;
  mkdirSync(opts.stateDir, { recursive: true });
  const ferret = await launch({
    name: 'FerretDB',
    command: toolPath('ferretdb'),
    args: [
      '--handler=postgresql',
      `--postgresql-url=${postgresUrl}`,
      `--state-dir=${opts.stateDir}`,
      `--listen-addr=127.0.0.1:${opts.port}`,
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=warn',
    ],
    port: opts.port,
    ...(opts.logFile ? { logFile: opts.logFile } : {}),
  }).catch(async (err: unknown) => {
    await postgres?.stop();
    throw err;
  });
  if (!postgres) return { ...ferret, postgresUrl };
  return {
    ...ferret,
    postgresUrl,
    // Either one ending ends the store.
    exited: Promise.race([ferret.exited, postgres.exited.then((code) => `PostgreSQL exited (${String(code)})`)]),
    tail: () => [...ferret.tail(), ...postgres.tail().map((line) => `postgres: ${line}`)],
    stop: async () => {
      await ferret.stop();
      await postgres.stop();
    },
  };
}

/**
 * A throwaway store for tests and benchmarks: PostgreSQL (on a free port, fsync off) with its data in
 * `dataDir/postgres`, FerretDB's state in `dataDir/ferretdb`.
 */
export async function startFerretDB(opts: {
  port: number;
  dataDir: string;
  logFile?: string;
  postgresSettings?: Record<string, string>;
}): Promise<DocumentStore> {
  mkdirSync(opts.dataDir, { recursive: true });
  // A throwaway folder from mkdtemp is private to its owner; PostgreSQL, run as `nobody` under root,
  // must pass through it (and only it: nothing outside the temp folder is changed).
  const temp = resolve(tmpdir());
  for (let dir = resolve(opts.dataDir); dir.startsWith(`${temp}/`); dir = dirname(dir)) {
    chmodSync(dir, statSync(dir).mode | 0o011);
  }
  return startDocumentStore({
    port: opts.port,
    stateDir: join(opts.dataDir, 'ferretdb'),
    postgres: {
      dataDir: join(opts.dataDir, 'postgres'),
      port: await freePort(),
      settings: opts.postgresSettings ?? {},
    },
    ...(opts.logFile ? { logFile: opts.logFile } : {}),
  });
}

/**
 * FerretDB's SQLite files of an earlier local stack are not moved to PostgreSQL. Says so once (a
 * marker beside them remembers it), and returns the sentence, or null when there is nothing to say.
 */
export function oldSqliteDataNotice(ferretDir: string): string | null {
  const marker = join(ferretDir, 'NOT-MIGRATED.txt');
  if (!existsSync(ferretDir) || existsSync(marker)) return null;
  const files = readdirSync(ferretDir).filter((name) => name.endsWith('.sqlite'));
  if (files.length === 0) return null;
  const notice =
    `${ferretDir} holds an earlier local store (FerretDB on SQLite, ${files.length} database file(s)). ` +
    'The local stack now keeps its data in PostgreSQL (.data/postgres/) and does not migrate it: ' +
    'customers, journeys and journals start empty. Delete that folder once you no longer need it.';
  writeFileSync(marker, `${notice}\n`);
  return notice;
}
