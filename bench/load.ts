/**
 * Load benchmark: does a timed send keep its minute while bursts arrive? On the whole stack (FerretDB,
 * the Temporal dev server with priority and fairness, the real worker process, the API, the LINE
 * stand-in), prints JSON figures, each with the machine's load average beside it:
 * (a) 60 LINE friends enter at 10/s (single POSTs), each due a push 30 s after entry: lateness p50 / p95 /
 *     max (the stand-in's receive time minus entry + 30 s), pushes missing and doubled; with a burst of
 *     600 entries of another journey (6 concurrent batches of 100, each entry pushing at once), and
 *     without. Goals: with the burst p95 ≤ 1 s, max ≤ 2 s, none missing or doubled; without, p95 ≤ 0.5 s;
 * (b) the highest steady entering rate (of a short list) at which p95 lateness stays ≤ 1 s;
 * (c) wait → branch → email at 10/s, the interpreter against the hand-written workflow
 *     (bench/runtime/baseline-workflow.ts) on the same stack: the same lateness figures.
 *
 * Usage: npx tsx bench/load.ts [--only a,b,c] [--then NAME=VALUE,...] (after (a), the worker restarts with
 * these variables, e.g. KIZUNA_MAX_CONCURRENT_ACTIVITIES=10, and (a) runs again: before and after in one run)
 *
 * Each (a) figure carries `waits`: where the due pushes waited, from the runs' histories (bench/load/profile.ts).
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { againstHandWritten, reminder, steadyRate } from './load/scenarios.js';
import { load, type Lateness } from './load/lateness.js';
import { startLoadStack, type LoadStack } from './load/stack.js';

const only = (() => {
  const i = process.argv.indexOf('--only');
  return i >= 0 ? new Set((process.argv[i + 1] ?? '').split(',')) : null;
})();
const wanted = (name: string) => only === null || only.has(name);
/** `--then A=1,B=2`: the worker variables of (a)'s second round. */
const then = (() => {
  const i = process.argv.indexOf('--then');
  if (i < 0) return null;
  return Object.fromEntries((process.argv[i + 1] ?? '').split(',').map((kv) => kv.split('=') as [string, string]));
})();
const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();

/** A goal beside its figure: met, or missed and by how much. */
function goal(figure: number, atMost: number) {
  return {
    goal: `≤ ${atMost}`,
    figure,
    met: figure <= atMost,
    ...(figure > atMost ? { missedBy: figure - atMost } : {}),
  };
}

function reminderGoals(f: Lateness, p95: number, max: number | null) {
  return {
    p95Ms: goal(f.p95Ms, p95),
    ...(max === null ? {} : { maxMs: goal(f.maxMs, max) }),
    missing: goal(f.missing, 0),
    doubled: goal(f.doubled, 0),
  };
}

/** (a): the reminder without a burst, then with one. */
async function reminders(stack: LoadStack, name: string) {
  const quiet = await reminder(stack, { friends: 60, perSecond: 10, waitSeconds: 30, burst: null });
  process.stderr.write(`bench/load: (${name}) without burst ${JSON.stringify(quiet)}\n`);
  const busy = await reminder(stack, { friends: 60, perSecond: 10, waitSeconds: 30, burst: { batches: 6, size: 100 } });
  process.stderr.write(`bench/load: (${name}) with burst ${JSON.stringify(busy)}\n`);
  return {
    withoutBurst: { ...quiet, goals: reminderGoals(quiet, 500, null) },
    withBurst: { ...busy, goals: reminderGoals(busy, 1000, 2000) },
  };
}

async function main() {
  const uptimeBefore = uptime();
  const stack = await startLoadStack();
  try {
    const out: Record<string, unknown> = { benchmark: 'load', cpus: cpus().length, uptimeBefore };
    if (wanted('a')) out.a = await reminders(stack, 'a');
    if (wanted('a') && then !== null) {
      await stack.restartWorker(then);
      out.aThen = { worker: then, ...(await reminders(stack, 'a then')) };
    }
    if (wanted('b')) {
      out.b = await steadyRate(stack, [5, 10, 20, 40], 6, 1000);
      process.stderr.write(`bench/load: (b) ${JSON.stringify(out.b)}\n`);
    }
    if (wanted('c')) {
      out.c = await againstHandWritten(stack, 60, 10, 30);
      process.stderr.write(`bench/load: (c) ${JSON.stringify(out.c)}\n`);
    }
    out.loadAverageAfter = load();
    out.uptimeAfter = uptime();
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    await stack.close();
  }
}

main().catch((err: unknown) => {
  console.error('bench/load failed:', err);
  process.exit(1);
});
