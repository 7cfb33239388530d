/**
 * What the runtime benchmark runs on: FerretDB and the Temporal dev server on free ports (the helpers
 * of scripts/servers.ts), an SMTP server in process that notes when each recipient's mail arrived,
 * and worker processes (the real `worker.ts`, the baseline's worker) with their resident memory.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { localEnv } from '../../scripts/local-env.js';
import {
  freePort,
  launch,
  projectRoot,
  startTemporalDevServer,
  startTogether,
  type RunningServer,
} from '../../scripts/servers.js';
import { startFerretDB } from '../../scripts/document-store.js';

/** FerretDB and the Temporal dev server (in memory), each on a free port. */
export async function startServers(dataDir: string) {
  const [mongoPort, temporalPort] = [await freePort(), await freePort()];
  const servers = await startTogether([
    () => startFerretDB({ port: mongoPort, dataDir: join(dataDir, 'ferretdb') }),
    () => startTemporalDevServer({ port: temporalPort, uiPort: null }),
  ]);
  return {
    mongoUri: `mongodb://127.0.0.1:${mongoPort}/`,
    postgresUrl: (servers[0] as Awaited<ReturnType<typeof startFerretDB>>).postgresUrl,
    temporalAddress: `127.0.0.1:${temporalPort}`,
    stop: () => Promise.all(servers.map((s) => s.stop())),
  };
}

/** An SMTP server that accepts everything and notes, per recipient, when each message arrived. */
export async function startSmtpCounter() {
  const arrivals = new Map<string, number[]>();
  let total = 0;
  const port = await freePort();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, done) {
      stream.on('end', () => {
        const now = performance.now();
        for (const rcpt of session.envelope.rcptTo) {
          arrivals.set(rcpt.address, [...(arrivals.get(rcpt.address) ?? []), now]);
          total += 1;
        }
        done();
      });
      stream.resume();
    },
  });
  await new Promise<void>((ok) => server.listen(port, '127.0.0.1', ok));
  return {
    url: `smtp://127.0.0.1:${port}`,
    arrivals,
    total: () => total,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

/**
 * Starts a worker script (`worker.ts`, the baseline's, or the build's `dist/worker.js`, run with plain
 * node) in a process of its own; resolves once it polls.
 */
export async function startWorker(script: string, vars: Record<string, string>): Promise<RunningServer> {
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  return launch({
    name: script,
    command: process.execPath,
    args: [...loader, join(projectRoot, script)],
    readyOutput: /polling task queue/,
    env: localEnv(vars),
    timeoutMs: 180_000,
  });
}

/** Resident memory of a process in MB (Linux: /proc/<pid>/status). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return Math.round(kb / 102.4) / 10;
}
