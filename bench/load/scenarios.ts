/** The load benchmark's scenarios, each on a stack started by bench/load/stack.ts. */
import { performance } from 'node:perf_hooks';
import { postJson } from '../api-load.js';
import { assertWork, exactly, some } from '../assert-work.js';
import { BASELINE_TASK_QUEUE, THROUGHPUT, benchCustomers } from '../runtime/journeys.js';
import { enterJourney } from '../../runtime/enter-journey.js';
import { BURST_YAML, lineFriends, reminderYaml, waitBranchSendYaml } from './journeys.js';
import { lateness, load, untilArrived, type Lateness } from './lateness.js';
import { waitProfile } from './profile.js';
import type { LoadStack } from './stack.js';

const sleepUntil = (at: number) => new Promise((ok) => setTimeout(ok, Math.max(0, at - Date.now())));
let runs = 0;
let burstPublished: Promise<number> | null = null;

/** Calls `fn(i)` for i in 0..n-1 at `perSecond`, without waiting for one call to end before the next. */
async function atRate<T>(n: number, perSecond: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const t0 = Date.now();
  const calls: Promise<T>[] = [];
  for (let i = 0; i < n; i++) {
    await sleepUntil(t0 + (i * 1000) / perSecond);
    calls.push(fn(i));
  }
  return Promise.all(calls);
}

/** `batches` concurrent batches of `size` entering events of the burst journey (LINE friends, one push each). */
async function burst(stack: LoadStack, batches: number, size: number) {
  burstPublished ??= stack.publish(BURST_YAML);
  await burstPublished;
  const prefix = `burst${++runs}-`;
  const friends = lineFriends(prefix, batches * size);
  await stack.store.models.Customer.insertMany(friends);
  const statuses = await Promise.all(
    Array.from({ length: batches }, (_, b) =>
      postJson(stack.apiPort, '/v1/events/batch', stack.token, {
        events: friends.slice(b * size, (b + 1) * size).map((f) => ({
          type: 'load-burst.arrived',
          customerId: f.customerId,
          occurredAt: new Date().toISOString(),
          idempotencyKey: `burst-${f.customerId}`,
        })),
      }),
    ),
  );
  assertWork('load (burst)', { batchesAnswered: exactly(statuses.filter((s) => s === 200).length, batches) });
  return { entries: friends.length, batches, prefix };
}

/**
 * How many of the burst's customers got a run (a granted entry in the ledger), waiting up to `ms` for the
 * last claims: a batch answers 200 with items `pending`, so only the ledger shows the burst really ran.
 */
async function burstRuns(stack: LoadStack, prefix: string, expected: number, ms: number): Promise<number> {
  const deadline = Date.now() + ms;
  for (;;) {
    const customers = await stack.store.models.Entry.distinct('customerId', {
      journeyId: 'load-burst',
      granted: true,
      customerId: { $regex: `^${prefix}` },
    });
    if (customers.length >= expected || Date.now() > deadline) return customers.length;
    await new Promise((ok) => setTimeout(ok, 1000));
  }
}

export interface ReminderRun {
  friends: number;
  perSecond: number;
  waitSeconds: number;
  burst: { batches: number; size: number } | null;
}

/** LINE friends enter a reminder at a steady rate (single POSTs); each is due a push `waitSeconds` later. */
export async function reminder(stack: LoadStack, run: ReminderRun) {
  const journeyId = `load-reminder-${++runs}`;
  await stack.publish(reminderYaml(journeyId, run.waitSeconds));
  const friends = lineFriends(`${journeyId}-`, run.friends);
  await stack.store.models.Customer.insertMany(friends);
  const due = new Map<string, number>();
  const entered = new Map<string, number>();
  // The burst starts two seconds into the entries, while they go on.
  const burstDone = run.burst
    ? sleepUntil(Date.now() + 2000).then(() => burst(stack, run.burst!.batches, run.burst!.size))
    : Promise.resolve({ entries: 0, prefix: null });
  const statuses = await atRate(run.friends, run.perSecond, async (i) => {
    const f = friends[i]!;
    const at = Date.now();
    due.set(f.lineUserId, at + run.waitSeconds * 1000);
    entered.set(f.customerId, at);
    return postJson(stack.apiPort, '/v1/events', stack.token, {
      type: `${journeyId}.booked`,
      customerId: f.customerId,
      occurredAt: new Date(at).toISOString(),
      idempotencyKey: `${journeyId}-${i}`,
    });
  });
  const { entries, prefix } = await burstDone;
  await untilArrived(due, () => stack.pushArrivals(), run.waitSeconds * 1000 + 120_000);
  const figures = lateness(due, stack.pushArrivals());
  if (prefix !== null) {
    assertWork('load (burst)', { runsEntered: exactly(await burstRuns(stack, prefix, entries, 60_000), entries) });
  }
  assertWork('load (reminder)', {
    entered: exactly(statuses.filter((s) => s === 201).length, run.friends),
    recipients: exactly(due.size, run.friends),
    pushesArrived: some(figures.arrived),
  });
  return {
    ...figures,
    burstEntries: entries,
    waits: await waitProfile(stack.client, journeyId, entered, run.waitSeconds * 1000),
  };
}

/** The highest of `rates` (entries/s) at which p95 lateness stays within `goalMs`; stops at the first miss. */
export async function steadyRate(stack: LoadStack, rates: number[], seconds: number, goalMs: number) {
  const tried: Record<string, Lateness> = {};
  let best: number | null = null;
  for (const perSecond of rates) {
    const figures = await reminder(stack, { friends: perSecond * seconds, perSecond, waitSeconds: 10, burst: null });
    tried[String(perSecond)] = figures;
    if (figures.p95Ms > goalMs || figures.missing > 0) break;
    best = perSecond;
  }
  return { highestRateMeetingGoal: best, goalP95Ms: goalMs, secondsPerRate: seconds, tried };
}

/** (c) wait 30 s, branch, email: the interpreter against the hand-written workflow, same rate, same stack. */
export async function againstHandWritten(stack: LoadStack, n: number, perSecond: number, waitSeconds: number) {
  const interpreted = `load-wbs-${++runs}`;
  const handWritten = `load-wbs-hand-${runs}`;
  await stack.publish(waitBranchSendYaml(interpreted, waitSeconds));
  const version = await stack.publish(waitBranchSendYaml(handWritten, waitSeconds));
  const deps = { client: stack.client, models: stack.store.models };
  const side = async (prefix: string, start: (customerId: string) => Promise<unknown>) => {
    const customers = benchCustomers(prefix, n);
    await stack.store.models.Customer.insertMany(customers);
    const due = new Map<string, number>();
    await atRate(n, perSecond, async (i) => {
      due.set(customers[i]!.email, performance.now() + waitSeconds * 1000);
      await start(customers[i]!.customerId);
    });
    await untilArrived(due, () => stack.smtp.arrivals, waitSeconds * 1000 + 120_000);
    const figures = lateness(due, stack.smtp.arrivals);
    assertWork(`load (${prefix})`, { recipients: exactly(due.size, n), mailsArrived: some(figures.arrived) });
    return figures;
  };
  const interpreter = await side(`${interpreted}-`, (customerId) =>
    enterJourney(deps, { journeyId: interpreted, customerId, event: null }),
  );
  const hand = await side(`${handWritten}-`, (customerId) =>
    stack.client.workflow.start('handWrittenJourney', {
      taskQueue: BASELINE_TASK_QUEUE,
      workflowId: `load/hand-written/${customerId}`,
      args: [{ ...THROUGHPUT, journeyId: handWritten, version, customerId, waitMs: waitSeconds * 1000 }],
    }),
  );
  return { customers: n, perSecond, waitSeconds, interpreter, handWritten: hand, loadAverage: load() };
}
