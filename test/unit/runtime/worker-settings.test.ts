// The worker's sizing settings (its workflow cache, the memory log) are checked before it starts, and
// the memory log says what the resident memory is made of, which the memory benchmark reads back.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastMemoryLine, memoryLine, readWorkerMemory } from '../../../runtime/worker-memory.js';
import {
  RECOMMENDED_WORKER_HEAP_MB,
  WorkerSettingsError,
  heapLimitLine,
  workerSettingsFromEnv,
} from '../../../runtime/worker-settings.js';
import { DEFAULT_CACHED_WORKFLOWS } from '../../../worker.js';
import { localEnv } from '../../../scripts/local-env.js';
import { projectRoot } from '../../../scripts/servers.js';

describe('the worker settings', () => {
  it('warns at start when the V8 heap limit is the default, naming the flag, and not under it', () => {
    const warned = heapLimitLine(4144 * 2 ** 20);
    expect(warned.level).toBe('warn');
    expect(warned.line).toContain(`--max-old-space-size=${RECOMMENDED_WORKER_HEAP_MB}`);
    // What `node --max-old-space-size=192` reports: the old generation plus the young one.
    expect(heapLimitLine(240 * 2 ** 20)).toEqual({ level: 'log', line: 'V8 heap limit 240 MB' });
  });

  it('takes whole numbers, 0 turning the cache off, and leaves absent ones to the defaults', () => {
    expect(workerSettingsFromEnv({})).toEqual({});
    expect(workerSettingsFromEnv({ KIZUNA_MAX_CACHED_WORKFLOWS: '0' })).toEqual({ maxCachedWorkflows: 0 });
    expect(workerSettingsFromEnv({ KIZUNA_MAX_CACHED_WORKFLOWS: '64', KIZUNA_MEMORY_LOG_SECONDS: '60' })).toEqual({
      maxCachedWorkflows: 64,
      memoryLogSeconds: 60,
    });
  });

  it('sizes the worker’s slots for workflow tasks, activities and local activities', () => {
    const env = {
      KIZUNA_MAX_CONCURRENT_ACTIVITIES: '10',
      KIZUNA_MAX_CONCURRENT_WORKFLOW_TASKS: '20',
      KIZUNA_MAX_CONCURRENT_LOCAL_ACTIVITIES: '30',
    };
    expect(workerSettingsFromEnv(env)).toEqual({
      maxConcurrentActivityTaskExecutions: 10,
      maxConcurrentWorkflowTaskExecutions: 20,
      maxConcurrentLocalActivityExecutions: 30,
    });
  });

  it('keeps a workflow cache small enough for thousands of sleeping runs', () => {
    // About 0.6 MB a cached workflow (docs/operations.md, "Worker memory"): 500 of them cost 300 MB.
    expect(DEFAULT_CACHED_WORKFLOWS).toBeLessThanOrEqual(50);
  });

  it.each([
    ['KIZUNA_MAX_CONCURRENT_ACTIVITIES', '0'],
    ['KIZUNA_MAX_CONCURRENT_WORKFLOW_TASKS', '1'],
    ['KIZUNA_MAX_CONCURRENT_LOCAL_ACTIVITIES', 'x'],
    ['KIZUNA_MAX_CACHED_WORKFLOWS', 'abc'],
    ['KIZUNA_MAX_CACHED_WORKFLOWS', '-5'],
    ['KIZUNA_MAX_CACHED_WORKFLOWS', '2.5'],
    ['KIZUNA_MAX_CACHED_WORKFLOWS', '1'],
    ['KIZUNA_MEMORY_LOG_SECONDS', '0'],
  ])('refuses %s=%s with a sentence naming it', (name, value) => {
    expect(() => workerSettingsFromEnv({ [name]: value })).toThrow(WorkerSettingsError);
    expect(() => workerSettingsFromEnv({ [name]: value })).toThrow(new RegExp(`^${name} must be`));
  });

  it('stops the worker before it connects anywhere when a setting is wrong', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot, 'worker.ts')], {
      // Nothing listens on these: a worker that got past its settings would hang or fail elsewhere.
      env: localEnv({
        KIZUNA_ENV: 'development',
        KIZUNA_MAX_CACHED_WORKFLOWS: 'lots',
        MONGODB_URI: 'mongodb://127.0.0.1:9/x',
      }),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      'kizuna worker: failed to start: KIZUNA_MAX_CACHED_WORKFLOWS must be a whole number ≥ 0, got "lots"',
    );
  }, 60_000);
});

describe('the memory log', () => {
  const MB = 1024 * 1024;
  const usage = { rss: 300 * MB, heapTotal: 120 * MB, heapUsed: 90 * MB, external: 30 * MB, arrayBuffers: 5 * MB };

  it('splits the resident memory into V8 heap, external and native, beside the cached workflows', () => {
    const reading = readWorkerMemory({ memoryUsage: () => usage, cachedWorkflows: () => 42 });
    expect(reading).toEqual({
      rssMb: 300,
      heapUsedMb: 90,
      heapTotalMb: 120,
      externalMb: 30,
      arrayBuffersMb: 5,
      nativeMb: 150,
      cachedWorkflows: 42,
    });
  });

  it('is read back from the last memory line of the output', () => {
    const first = readWorkerMemory({ memoryUsage: () => usage, cachedWorkflows: () => 1 });
    const last = { ...first, cachedWorkflows: 2 };
    const lines = ['kizuna worker: polling', memoryLine(first), 'a warning', memoryLine(last), 'another'];
    expect(lastMemoryLine(lines)).toEqual(last);
    expect(lastMemoryLine(['nothing here'])).toBeNull();
  });
});
