/**
 * What the worker's resident memory is made of, for operators and the memory benchmark: V8's heap
 * (used and reserved), memory outside it that V8 tracks (`external`, buffers), and the rest of the
 * process (the Temporal core in Rust, its caches of workflow histories, code, thread stacks), beside
 * how many workflows the worker keeps cached.
 */

/** One reading of the worker's memory, in MB (one decimal). */
export interface WorkerMemory {
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  arrayBuffersMb: number;
  /** Resident memory V8 does not account for: the native core, code, stacks, allocator slack. */
  nativeMb: number;
  cachedWorkflows: number;
}

/** What a reading needs of the process and the worker (`Worker.getStatus()` gives the cache size). */
export interface MemorySource {
  memoryUsage: () => NodeJS.MemoryUsage;
  cachedWorkflows: () => number;
}

const mb = (bytes: number) => Math.round(bytes / 104_857.6) / 10;

/** Reads the worker's memory now. */
export function readWorkerMemory(source: MemorySource): WorkerMemory {
  const m = source.memoryUsage();
  return {
    rssMb: mb(m.rss),
    heapUsedMb: mb(m.heapUsed),
    heapTotalMb: mb(m.heapTotal),
    externalMb: mb(m.external),
    arrayBuffersMb: mb(m.arrayBuffers),
    nativeMb: mb(Math.max(0, m.rss - m.heapTotal - m.external)),
    cachedWorkflows: source.cachedWorkflows(),
  };
}

/** The log line of a reading; `bench/runtime.ts` finds the last one in the worker's output. */
export function memoryLine(reading: WorkerMemory): string {
  return `kizuna worker: memory ${JSON.stringify(reading)}`;
}

/** Parses the last memory line among output lines, or `null` when there is none. */
export function lastMemoryLine(lines: readonly string[]): WorkerMemory | null {
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    const match = /kizuna worker: memory (\{.*\})/.exec(lines[i]!);
    if (match) return JSON.parse(match[1]!) as WorkerMemory;
  }
  return null;
}

/**
 * Logs a reading every `seconds` (KIZUNA_MEMORY_LOG_SECONDS); the timer does not keep the process
 * alive. Returns the function that stops it.
 */
export function logMemoryEvery(seconds: number, source: MemorySource, log = console.log): () => void {
  const timer = setInterval(() => log(memoryLine(readWorkerMemory(source))), seconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
