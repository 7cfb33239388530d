/**
 * Store benchmark: the hot queries of entry, routing, sending, the ledgers, the journal, erasure and
 * the LINE webhook, timed on FerretDB over PostgreSQL with 10k, 100k and 1M rows in each collection
 * (seeded directly in the store). Goal: with 1M rows, no query slower than 3x its time with 10k.
 * Every query must find the row(s) it looks for, or the bench fails: a fast miss measures nothing.
 *
 *   npx tsx bench/store.ts [sizes, default 10000,100000,1000000]
 *
 * BENCH_STORE_FERRETDB_INDEXES_ONLY=1 leaves out the store's PostgreSQL indexes (FerretDB's own only),
 * for the figures before them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { assertWork, exactly } from './assert-work.js';
import { journeyStats } from '../api/journeys/stats.js';
import { startFerretDB } from '../scripts/document-store.js';
import { freePort } from '../scripts/servers.js';
import { connectStore, type Store } from '../store/connection.js';

const SIZES = (process.argv[2] ?? '10000,100000,1000000').split(',').map(Number);
const REPEAT = 30;
const JOURNEYS = 20;
const BATCH = 1_000;

/** Row `i` of each collection; customer `c<i>`, one journey of {@link JOURNEYS}. */
const rows = {
  customers: (i: number) => ({
    _id: `c${i}`,
    customerId: `c${i}`,
    email: `c${i}@example.jp`,
    lineUserId: `U${i.toString(16).padStart(32, '0')}`,
    consent: { email: 'subscribed', line: 'subscribed' },
    tags: [],
  }),
  entries: (i: number) => ({
    _id: `j${i % JOURNEYS}|c${i}|e${i}`,
    journeyId: `j${i % JOURNEYS}`,
    customerId: `c${i}`,
    entryKey: `e${i}`,
    granted: true,
    enteredMs: i,
    workflowId: `kizuna/j${i % JOURNEYS}/c${i}`,
    outcome: i % 10 === 0 ? null : 'completed',
  }),
  journal: (i: number) => ({
    rowId: `kizuna/j${i % JOURNEYS}/c${i}/r/${i}`,
    journeyId: `j${i % JOURNEYS}`,
    version: 1,
    customerId: `c${i}`,
    workflowId: `kizuna/j${i % JOURNEYS}/c${i}`,
    stepId: `s${i % 5}`,
    stepKind: 'send',
    action: 'sent',
    reason: null,
    detail: { template: 't', channel: 'email' },
    at: new Date(1_700_000_000_000 + i * 1000),
  }),
  deliveries: (i: number) => ({
    _id: `kizuna/j${i % JOURNEYS}/c${i}|s1|e${i}`,
    idempotencyKey: `kizuna/j${i % JOURNEYS}/c${i}|s1|e${i}`,
    customerId: `c${i}`,
    journeyId: `j${i % JOURNEYS}`,
    stepId: 's1',
    channel: 'email',
    status: 'sent',
  }),
  events: (i: number) => ({
    _id: `ev${i}`,
    source: 'api',
    idempotencyKey: `k${i}`,
    customerId: `c${i}`,
    type: 'order.completed',
    occurredAt: new Date(1_700_000_000_000 + i * 1000),
    receivedAt: new Date(1_700_000_000_000 + i * 1000),
    properties: { total: i },
  }),
};
type Collection = keyof typeof rows;

/** The hot queries, each with the number of rows it must return; `k` is a customer index present at every size, with an open run. */
function hotQueries(store: Store, k: number) {
  const m = store.models;
  return {
    'customers: profile by id': async () => ((await m.Customer.findOne({ _id: `c${k}` }).lean()) ? 1 : 0),
    'customers: webhook lookup by lineUserId': async () =>
      (await m.Customer.find({ lineUserId: rows.customers(k).lineUserId }, { customerId: 1 }).lean()).length,
    'entries: claim by id': async () => ((await m.Entry.findById(rows.entries(k)._id).lean()) ? 1 : 0),
    'entries: open runs of a customer (erasure)': async () =>
      (await m.Entry.find({ customerId: `c${k}`, granted: true, outcome: null }).lean()).length,
    'entries: update on run end': async () =>
      (await m.Entry.updateOne({ _id: rows.entries(k)._id }, { $set: { endedAt: new Date() } })).matchedCount,
    'journal: stats of a version (counters)': async () => (await journeyStats(m, 'j0', 1)).runs,
    'journal: rows of a customer (timeline, erasure)': async () =>
      (await m.JournalRow.find({ customerId: `c${k}` }).lean()).length,
    'deliveries: ledger row by key': async () => ((await m.Delivery.findById(rows.deliveries(k)._id).lean()) ? 1 : 0),
    'deliveries: sends of a customer (erasure)': async () =>
      (await m.Delivery.find({ customerId: `c${k}` }).lean()).length,
    'events: event by source and key (idempotency)': async () =>
      (await m.Event.find({ source: 'api', idempotencyKey: `k${k}` }).lean()).length,
    'events: events of a customer (timeline, erasure)': async () =>
      (await m.Event.find({ customerId: `c${k}` }).lean()).length,
  };
}

const MODEL: Record<Collection, keyof Store['models']> = {
  customers: 'Customer',
  entries: 'Entry',
  journal: 'JournalRow',
  deliveries: 'Delivery',
  events: 'Event',
};

/** Inserts rows [from, to) of every collection, a few batches in flight. */
async function seed(store: Store, from: number, to: number) {
  for (const [name, row] of Object.entries(rows) as Array<[Collection, (i: number) => object]>) {
    const collection = store.models[MODEL[name]].collection;
    const starts: number[] = [];
    for (let s = from; s < to; s += BATCH) starts.push(s);
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < starts.length) {
          const s = starts[next++]!;
          const docs = Array.from({ length: Math.min(BATCH, to - s) }, (_, j) => row(s + j));
          await collection.insertMany(docs, { ordered: false });
        }
      }),
    );
  }
}

async function median(run: () => Promise<number>, expected: number, name: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const start = performance.now();
    const found = await run();
    times.push(performance.now() - start);
    if (found < expected) throw new Error(`${name}: found ${found} rows, expected ${expected}: the bench is wrong`);
  }
  times.sort((a, b) => a - b);
  return Number(times[Math.floor(times.length / 2)]!.toFixed(2));
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'kizuna-bench-store-'));
  const port = await freePort();
  const ferret = await startFerretDB({ port, dataDir: dir });
  const postgresUrl = ferret.postgresUrl;
  const withIndexes = process.env.BENCH_STORE_FERRETDB_INDEXES_ONLY !== '1';
  const store = await connectStore(`mongodb://127.0.0.1:${port}/`, {
    dbName: 'bench',
    ...(withIndexes ? { postgresUrl } : {}),
  });
  const pgClient = new pg.Client({ connectionString: postgresUrl });
  await pgClient.connect();
  const figures: Record<string, Record<string, number>> = {};
  let seeded = 0;
  const recounts: Record<string, number> = {};
  try {
    for (const size of SIZES) {
      const start = performance.now();
      await seed(store, seeded, size);
      seeded = size;
      // The figures are per collection size: each collection must hold the rows the size names.
      const held = Object.fromEntries(
        await Promise.all(
          (Object.keys(rows) as Collection[]).map(
            async (name) => [name, exactly(await store.models[MODEL[name]].collection.countDocuments(), size)] as const,
          ),
        ),
      );
      assertWork('store', held);
      await pgClient.query('ANALYZE');
      process.stderr.write(
        `bench store: ${size} rows each seeded in ${((performance.now() - start) / 1000).toFixed(0)} s\n`,
      );
      // Rows seeded directly are not counted: one recount (it reads the version's rows), timed apart.
      const recountStart = performance.now();
      await journeyStats(store.models, 'j0', 1, { recount: true });
      recounts[String(size)] = Math.round(performance.now() - recountStart);
      for (const [name, run] of Object.entries(hotQueries(store, 10))) {
        (figures[name] ??= {})[String(size)] = await median(run, 1, name);
      }
    }
  } finally {
    await pgClient.end();
    await store.close();
    await ferret.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const [small, large] = [String(SIZES[0]), String(SIZES[SIZES.length - 1])];
  const ratios = Object.fromEntries(
    Object.entries(figures).map(([name, f]) => [name, Number((f[large]! / f[small]!).toFixed(2))]),
  );
  const worst = Math.max(...Object.values(ratios));
  console.log(
    JSON.stringify({
      bench: 'store',
      backend: 'FerretDB v1.24 over PostgreSQL 16',
      indexes: withIndexes ? "FerretDB's and the store's GIN indexes" : "FerretDB's own only",
      unit: 'median ms per operation',
      repeat: REPEAT,
      figures,
      ratio: { of: `${large} rows / ${small} rows`, ...ratios },
      goal: { maxRatio: 3, worst, met: worst <= 3 },
      recountMs: { of: `version j0 v1: 1/${JOURNEYS} of the journal rows`, ...recounts },
    }),
  );
}

await main();
