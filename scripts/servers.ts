/**
 * Launchers for the local servers installed in .tools/ (FerretDB, the Temporal dev server), shared by
 * `npm start` and the integration tests' global setup.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, createWriteStream } from 'node:fs';
import { createServer, connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SEARCH_ATTRIBUTE_TYPES } from '../workflows/search-attributes.js';
import { localEnv } from './local-env.js';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the local servers are installed: `.tools/`, or KIZUNA_TOOLS_DIR when set (read at each call). */
export function toolsDir(): string {
  return process.env.KIZUNA_TOOLS_DIR ? resolve(process.env.KIZUNA_TOOLS_DIR) : join(projectRoot, '.tools');
}

/** Thrown when a tool is missing from the tools' bin folder: the message says which command installs it. */
export class ToolMissingError extends Error {
  constructor(
    readonly tool: string,
    dir: string,
  ) {
    super(`${tool} is not installed in ${dir}. Run \`npm run setup:tools\` (npm install also runs it).`);
  }
}

/** Thrown when a server does not come up: names it, and carries the tail of its output. */
export class ServerStartError extends Error {
  /** True when the process started and then died before it was ready (not a port taken beforehand). */
  constructor(
    message: string,
    readonly exited = false,
  ) {
    super(message);
  }
}

/** Path of an installed tool; throws {@link ToolMissingError} when it is absent. */
export function toolPath(name: 'temporal' | 'temporal-test-server' | 'ferretdb' | 'schemathesis'): string {
  const bin = join(toolsDir(), 'bin');
  const path = join(bin, name);
  if (!existsSync(path)) throw new ToolMissingError(name, bin);
  return path;
}

/** A free TCP port on 127.0.0.1, chosen by the kernel. */
export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? ok(address.port) : fail(new Error('no port'))));
    });
  });
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export async function isPortOpen(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      ok(true);
    });
    socket.once('error', () => ok(false));
  });
}

export interface RunningServer {
  name: string;
  port: number | null;
  child: ChildProcess;
  /** Resolves with the exit code or signal when the process ends, however it ends. */
  exited: Promise<number | string>;
  /** Last lines of the process's output, for error messages. */
  tail(): string[];
  /** Stops the server (SIGTERM, then SIGKILL after a grace period); resolves once it exited. */
  stop(): Promise<void>;
}

interface LaunchOptions {
  name: string;
  command: string;
  args: string[];
  /** Ready once this port accepts connections (and it must be free before the start)... */
  port?: number;
  /** ...or once the output shows this line. */
  readyOutput?: RegExp;
  /** The whole environment of the process; by default {@link localEnv}'s, never the shell's as a whole. */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Append the server's output to this file; otherwise only its last lines are kept for errors. */
  logFile?: string;
  /** Run as this user (PostgreSQL refuses to run as root). */
  user?: { uid: number; gid: number };
  /** The signal that stops it cleanly (PostgreSQL's fast shutdown is SIGINT). @default 'SIGTERM' */
  stopSignal?: NodeJS.Signals;
}

/**
 * Spawns a server and resolves once it is ready (its port accepts connections, or its output shows
 * `readyOutput`). Fails with {@link ServerStartError} when the port is taken, the process dies or
 * cannot be spawned, or the timeout passes.
 */
export async function launch(opts: LaunchOptions): Promise<RunningServer> {
  const { name, port, timeoutMs = 60_000 } = opts;
  if (port !== undefined && (await isPortOpen(port))) {
    throw new ServerStartError(
      `${name}: port ${port} is already in use. Stop what listens there or pick another port.`,
    );
  }
  const child = spawn(opts.command, opts.args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: opts.env ?? localEnv(),
    ...(opts.user ?? {}),
  });
  const output = captureOutput(child, opts.readyOutput, opts.logFile);
  let code: number | string | null = null;
  const exited = new Promise<number | string>((ok) => {
    const end = (value: number | string) => {
      code = value;
      output.close();
      ok(value);
    };
    child.once('exit', (c, signal) => end(c ?? signal ?? 'exit'));
    child.once('error', (err) => end(err.message));
  });
  const isReady = async () => (port !== undefined ? isPortOpen(port) : output.sawReady());
  const deadline = Date.now() + timeoutMs;
  while (!(await isReady())) {
    if (code !== null || Date.now() > deadline) {
      const why = code !== null ? `exited (${String(code)})` : `was not ready after ${timeoutMs} ms`;
      // Wait for the end, so whatever the process held (a port, a lock) is free once this throws.
      child.kill('SIGKILL');
      await exited;
      const where = port !== undefined ? ` on port ${port}` : '';
      throw new ServerStartError(
        `${name} ${why}${where}. Last output:\n  ${output.tail().join('\n  ')}`,
        code !== null,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = async () => {
    if (code !== null) return;
    child.kill(opts.stopSignal ?? 'SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return { name, port: port ?? null, child, exited, tail: output.tail, stop };
}

/**
 * Starts several servers at once. When one fails, waits for the others to finish starting, stops
 * those that came up (newest first) and throws the first failure, so no server is left holding its
 * port. `onStarted` sees each server as it comes up (e.g. to stop it on Ctrl-C during the start).
 */
export async function startTogether(
  starters: Array<() => Promise<RunningServer>>,
  onStarted: (server: RunningServer) => void = () => {},
): Promise<RunningServer[]> {
  const up: RunningServer[] = [];
  const results = await Promise.allSettled(
    starters.map(async (start) => {
      const server = await start();
      up.push(server);
      onStarted(server);
      return server;
    }),
  );
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length === 0) return results.map((r) => (r as PromiseFulfilledResult<RunningServer>).value);
  for (const server of [...up].reverse()) await server.stop();
  throw failures[0];
}

/** Keeps a child's last 20 lines of output (and all of it in `logFile`), watching for `readyOutput`. */
function captureOutput(child: ChildProcess, readyOutput: RegExp | undefined, logFile: string | undefined) {
  // The first lines too: a crash's cause (a Go panic's message) comes before its long stack trace.
  const head: string[] = [];
  const lines: string[] = [];
  let dropped = 0;
  let ready = false;
  const log = logFile ? createLog(logFile) : null;
  const keep = (chunk: Buffer) => {
    log?.write(chunk);
    const text = chunk.toString();
    if (readyOutput?.test(text)) ready = true;
    for (const line of text.split('\n').filter(Boolean)) (head.length < 5 ? head : lines).push(line);
    const over = Math.max(0, lines.length - 20);
    dropped += over;
    lines.splice(0, over);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const tail = () => [...head, ...(dropped > 0 ? [`... (${dropped} lines)`] : []), ...lines];
  return { sawReady: () => ready, tail, close: () => log?.end() };
}

function createLog(file: string) {
  mkdirSync(dirname(file), { recursive: true });
  return createWriteStream(file, { flags: 'a' });
}

/**
 * The dev server's matching as production should run it: task queue priority (the new matcher) and
 * fairness by key (journey runs carry their journey as fairness key), on one partition per task queue:
 * a single-node server gains nothing from more, and priority is kept within a partition.
 */
export const DEV_SERVER_DYNAMIC_CONFIG: Record<string, unknown> = {
  'matching.useNewMatcher': true,
  'matching.enableFairness': true,
  'matching.numTaskqueueReadPartitions': 1,
  'matching.numTaskqueueWritePartitions': 1,
};

/**
 * Starts the Temporal dev server with Kizuna's search attributes registered.
 * `dbFile` keeps workflows across restarts; without it the state lives in memory. `uiPort: null` = headless.
 */
export async function startTemporalDevServer(opts: {
  port: number;
  uiPort: number | null;
  dbFile?: string;
  logFile?: string;
}): Promise<RunningServer> {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(opts.port), '--log-level', 'warn'];
  args.push(...(opts.uiPort === null ? ['--headless'] : ['--ui-port', String(opts.uiPort)]));
  if (opts.dbFile) {
    mkdirSync(dirname(opts.dbFile), { recursive: true });
    args.push('--db-filename', opts.dbFile);
  }
  for (const [key, type] of Object.entries(SEARCH_ATTRIBUTE_TYPES)) args.push('--search-attribute', `${key}=${type}`);
  for (const [key, value] of Object.entries(DEV_SERVER_DYNAMIC_CONFIG)) {
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  }
  const start = () =>
    launch({
      name: 'Temporal dev server',
      command: toolPath('temporal'),
      args,
      port: opts.port,
      ...(opts.logFile ? { logFile: opts.logFile } : {}),
    });
  // The dev server binds its internal services to ports it picks itself while the other servers
  // start: one taken in between makes it exit at start. A second start picks others.
  try {
    return await start();
  } catch (err) {
    if (!(err instanceof ServerStartError && err.exited)) throw err;
    console.error(`kizuna: ${err.message.split('\n')[0]}; starting it again`);
    return start();
  }
}
