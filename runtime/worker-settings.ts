/**
 * The worker's sizing settings from the environment, checked before the worker starts: a value that
 * is not a whole number in range stops the start with a sentence naming the variable.
 */

/** Sizing settings of the journey worker; absent ones take the worker's defaults. */
export interface WorkerSettings {
  /** KIZUNA_MAX_CACHED_WORKFLOWS: workflows kept in the worker's cache (0 turns the cache off). */
  maxCachedWorkflows?: number;
  /** KIZUNA_MEMORY_LOG_SECONDS: log the worker's memory every so many seconds. */
  memoryLogSeconds?: number;
  /** KIZUNA_MAX_CONCURRENT_ACTIVITIES: activities (sends, audience pages) the worker runs at once. */
  maxConcurrentActivityTaskExecutions?: number;
  /** KIZUNA_MAX_CONCURRENT_WORKFLOW_TASKS: workflow tasks the worker holds at once. */
  maxConcurrentWorkflowTaskExecutions?: number;
  /** KIZUNA_MAX_CONCURRENT_LOCAL_ACTIVITIES: store requests (local activities) the worker runs at once. */
  maxConcurrentLocalActivityExecutions?: number;
}

/**
 * Activities (sends, audience pages) a worker runs at once unless KIZUNA_MAX_CONCURRENT_ACTIVITIES says
 * otherwise: the number of sends in flight on one worker, which `bench/delivery.ts` measures with.
 */
export const DEFAULT_MAX_CONCURRENT_ACTIVITIES = 50;

const SLOTS = {
  maxConcurrentActivityTaskExecutions: 'KIZUNA_MAX_CONCURRENT_ACTIVITIES',
  maxConcurrentWorkflowTaskExecutions: 'KIZUNA_MAX_CONCURRENT_WORKFLOW_TASKS',
  maxConcurrentLocalActivityExecutions: 'KIZUNA_MAX_CONCURRENT_LOCAL_ACTIVITIES',
} as const;

/** A worker setting that cannot be used. */
export class WorkerSettingsError extends Error {
  override name = 'WorkerSettingsError';
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, min: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new WorkerSettingsError(`${name} must be a whole number ≥ ${min}, got "${raw}"`);
  }
  return value;
}

/** Reads and checks the worker's sizing settings. */
export function workerSettingsFromEnv(env: NodeJS.ProcessEnv): WorkerSettings {
  const maxCachedWorkflows = wholeNumber(env, 'KIZUNA_MAX_CACHED_WORKFLOWS', 0);
  // Temporal needs room for two workflows when the cache is on.
  if (maxCachedWorkflows === 1) {
    throw new WorkerSettingsError('KIZUNA_MAX_CACHED_WORKFLOWS must be 0 (no cache) or at least 2, got "1"');
  }
  const memoryLogSeconds = wholeNumber(env, 'KIZUNA_MEMORY_LOG_SECONDS', 1);
  const settings: WorkerSettings = {
    ...(maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows }),
    ...(memoryLogSeconds === undefined ? {} : { memoryLogSeconds }),
  };
  for (const [key, name] of Object.entries(SLOTS) as Array<[keyof typeof SLOTS, string]>) {
    // Temporal needs two workflow task slots when workflows are cached; one of anything else will do.
    const value = wholeNumber(env, name, key === 'maxConcurrentWorkflowTaskExecutions' ? 2 : 1);
    if (value !== undefined) settings[key] = value;
  }
  return settings;
}

/**
 * The V8 heap limit the worker is meant to run with: `node --max-old-space-size=192 dist/worker.js`.
 * V8 flags hold for every isolate of the process, so the workflow thread's heap is held too. Measured
 * with 10,000 runs asleep and 50 cached (docs/operations.md "Worker memory"): RSS 331 MB with it,
 * 448 MB without, where V8 let both heaps grow before collecting.
 */
export const RECOMMENDED_WORKER_HEAP_MB = 192;

/**
 * The start line about the process's V8 heap limit (`v8.getHeapStatistics().heap_size_limit`): a warning
 * when it is well above {@link RECOMMENDED_WORKER_HEAP_MB} (no `--max-old-space-size` given), naming the flag.
 */
export function heapLimitLine(heapSizeLimitBytes: number): { level: 'log' | 'warn'; line: string } {
  const mb = Math.round(heapSizeLimitBytes / 2 ** 20);
  // heap_size_limit adds the young generation (a few dozen MB) to --max-old-space-size.
  if (mb <= RECOMMENDED_WORKER_HEAP_MB * 1.5) return { level: 'log', line: `V8 heap limit ${mb} MB` };
  return {
    level: 'warn',
    line:
      `V8 heap limit ${mb} MB: the heaps grow long before they are collected; run the worker with ` +
      `node --max-old-space-size=${RECOMMENDED_WORKER_HEAP_MB} (docs/operations.md, "Worker memory")`,
  };
}
