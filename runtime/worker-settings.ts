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
