/** A small closed-loop HTTP load generator (keep-alive, fixed concurrency, bounded duration) for loopback benchmarks. */
import http from 'node:http';

export interface LoadResult {
  requests: number;
  errors: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** Percentile of sorted latencies (ms). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Runs `call` from `concurrency` loops for `durationMs` (at most `maxRequests` calls in all). */
export async function loop(opts: {
  concurrency: number;
  durationMs: number;
  maxRequests?: number;
  call: (i: number) => Promise<boolean>;
}): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let issued = 0;
  const started = performance.now();
  const until = started + opts.durationMs;
  const max = opts.maxRequests ?? Number.POSITIVE_INFINITY;
  const worker = async () => {
    while (performance.now() < until && issued < max) {
      const i = issued++;
      const t0 = performance.now();
      const ok = await opts.call(i).catch(() => false);
      latencies.push(performance.now() - t0);
      if (!ok) errors += 1;
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    perSecond: Math.round(latencies.length / elapsed),
    p50Ms: Math.round(percentile(latencies, 50) * 10) / 10,
    p99Ms: Math.round(percentile(latencies, 99) * 10) / 10,
  };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** POSTs JSON to the API on loopback; resolves with the status code. */
export function postJson(port: number, path: string, token: string, body: unknown): Promise<number> {
  const payload = JSON.stringify(body);
  return new Promise((ok, fail) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          authorization: `Bearer ${token}`,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => ok(res.statusCode ?? 0));
      },
    );
    req.on('error', fail);
    req.end(payload);
  });
}
