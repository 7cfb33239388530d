/**
 * Every hot query of the store is pushed down to PostgreSQL and served by an index. The store's real
 * functions run against a private FerretDB over PostgreSQL whose planner may not scan a table when an
 * index can serve (`enable_seqscan=off`): a plan that still scans means no index fits the filter. Each
 * query is captured as the store sends it (mongoose's debug hook) and explained as a `find` with the
 * same filter (FerretDB filters updates and deletes the same way, and explains them without it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFerretDB, type DocumentStore } from '../../scripts/document-store.js';
import { freePort } from '../../scripts/servers.js';
import { findApiKeyById, findApiKeyByToken } from '../../store/apikeys.js';
import { createConsoleSession, deleteConsoleSession, findConsoleSession } from '../../store/console-sessions.js';
import { connectStore, type Store } from '../../store/connection.js';
import { findCustomerIdByLineUser, findProfile } from '../../store/customers.js';
import { findDelivery } from '../../store/deliveries.js';
import { listCustomerOpenRuns, deleteCustomerEntries } from '../../store/entries.js';
import { pseudonymiseDeliveries, pseudonymiseJournal } from '../../store/erasure.js';
import { deleteCustomerEvents, findEventByKey, findOrderEvents } from '../../store/events.js';
import { findRunWaitUntil, readJournal } from '../../store/journal.js';
import { countJournalRows, readJournalCounts } from '../../store/journal-counts.js';
import { getJourneyHead, loadJourneyVersion } from '../../store/journeys.js';
import { readDayArrivals, readDayVisits } from '../../store/route-activity.js';
import { findLineBudgetCharge, isTransactionalVersion, readLineBudgetUsage } from '../../store/line-budget.js';
import { readLinkedCustomerFacts } from '../../store/route-report.js';
import { consumeRouteLogin, findRoute, pseudonymiseRouteTouches, setAcquisitionRoute } from '../../store/routes.js';
import { readTimelineRows } from '../../store/timeline.js';
import { readAnswererFacts, readStepAnswers } from '../../store/answers.js';
import { findCustomerIdsByEmail } from '../../store/customer-lookup.js';

let dir: string;
let ferret: DocumentStore;
let store: Store;
const captured: Array<{ collection: string; method: string; filter: Record<string, unknown> }> = [];

/** The hot queries, by what they serve; each runs the store's own function. */
const HOT: Record<string, (s: Store) => Promise<unknown>> = {
  'API key check': (s) => findApiKeyByToken(s.models, 'kz_nothing'),
  'console: session of a request': (s) => findConsoleSession(s.models, 'token', 0),
  "console: the session's key": (s) => findApiKeyById(s.models, 'key_1'),
  "console: sign-in (the key's expired sessions)": (s) =>
    createConsoleSession(s.models, { keyId: 'key_1', ttlMs: 1_000, nowMs: 0 }),
  'console: sign-out': (s) => deleteConsoleSession(s.models, 'token'),
  'console: until when a waiting run waits': (s) =>
    findRunWaitUntil(s.models, { customerId: 'c-1', journeyId: 'j', workflowId: 'kizuna/j/c-1', stepId: 'wait' }),
  'profile read (conditions, templates)': (s) => findProfile(s.models, 'c-1'),
  'LINE webhook: customer by LINE user id': (s) => findCustomerIdByLineUser(s.models, 'U0123'),
  'console: customers by email': (s) => findCustomerIdsByEmail(s.models, 'a@example.com', 20),
  'delivery ledger row': (s) => findDelivery(s.models, 'kizuna/j/c-1|s1|e1'),
  'event idempotency': (s) => findEventByKey(s.models, 'api', 'k-1'),
  'order events of a customer': (s) => findOrderEvents(s.models, 'c-1'),
  'journal of a run (unsubscribe, tests)': (s) => readJournal(s.models, { journeyId: 'j', customerId: 'c-1' }),
  'stats counters': (s) => readJournalCounts(s.models, 'j', 1),
  'stats counting: marks and per-value values of a run': (s) =>
    countJournalRows(s.models, [
      {
        rowId: 'kizuna/j/c-1/r/0',
        journeyId: 'j',
        version: 1,
        customerId: 'c-1',
        stepId: null,
        action: 'converted',
        reason: null,
      },
    ]),
  'journey head (routing, send re-check)': (s) => getJourneyHead(s.models, 'j'),
  'pinned journey version': (s) => loadJourneyVersion(s.models, 'j', 1),
  'erasure: open runs': (s) => listCustomerOpenRuns(s.models, 'c-1'),
  'erasure: entries': (s) => deleteCustomerEntries(s.models, 'c-1'),
  'erasure: events': (s) => deleteCustomerEvents(s.models, 'c-1'),
  'erasure: journal': (s) => pseudonymiseJournal(s.models, 'c-1', 'erased:x'),
  'erasure: deliveries': (s) => pseudonymiseDeliveries(s.models, 'c-1', 'erased:x'),
  'route by id (/r/, callback, publish)': (s) => findRoute(s.models, 'spring-flyer'),
  'route login used once (callback)': (s) => consumeRouteLogin(s.models, 'login-1', new Date(0), 'callback'),
  'first-touch acquisition route': (s) => setAcquisitionRoute(s.models, 'c-1', 'spring-flyer'),
  'routes and stores reports: visits of a day': (s) => readDayVisits(s.models, '2026-12-01'),
  'routes and stores reports: arrivals of a day': (s) => readDayArrivals(s.models, '2026-12-01'),
  'erasure: route arrivals': (s) => pseudonymiseRouteTouches(s.models, 'c-1', 'erased:x'),
  "routes and stores reports: a linked customer's home store, orders, consent, conversions": (s) =>
    readLinkedCustomerFacts(s.models, 'c-1'),
  'answers report: answers of a step': (s) => readStepAnswers(s.models, { journeyId: 'j', version: 1, stepId: 'ask' }),
  'answers report: route and orders of an answerer': (s) => readAnswererFacts(s.models, 'c-1'),
  "LINE budget: the month's count (every LINE send)": (s) => readLineBudgetUsage(s.models, '2026-12'),
  'LINE budget: a delivery key counted before (every LINE send)': (s) =>
    findLineBudgetCharge(s.models, 'kizuna/j/c-1/e1/s1/1/0'),
  'LINE budget: a journey version transactional or not': (s) => isTransactionalVersion(s.models, 'j', 1),
  'customer timeline: first page': (s) => readTimelineRows(s.models, 'c-1', { after: null, limit: 50 }),
  'customer timeline: next page': (s) =>
    readTimelineRows(s.models, 'c-1', {
      after: { atMs: Date.parse('2026-11-02T10:00:00Z'), key: 'event:x' },
      limit: 50,
    }),
};

/**
 * Filter keys FerretDB v1 does not push down, left to it on purpose: each query narrows by a pushed
 * equality first, so what FerretDB filters in memory is one customer's or one journey's rows.
 */
const NOT_PUSHED: Record<string, string> = {
  acquisitionRoute: '$exists is not pushed down; the update is narrowed to one customer by _id first',
  outcome: 'null is never pushed down; the query is narrowed by customer (or journey) and granted first',
};

/**
 * Time fields the customer timeline bounds with `$lt` (never pushed down): the query is narrowed by
 * customer first, and the same page asks for the rows at the boundary's millisecond by equality, which is.
 * A console sign-in deletes the key's expired sessions: narrowed by the key's id first.
 */
const RANGE_NOT_PUSHED = new Set(['occurredAt', 'at', 'createdAt', 'expiresAt']);
const isRange = (value: unknown) =>
  typeof value === 'object' && value !== null && !(value instanceof Date) && Object.keys(value)[0]?.startsWith('$');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kizuna-explain-'));
  const port = await freePort();
  ferret = await startFerretDB({ port, dataDir: dir, postgresSettings: { enable_seqscan: 'off' } });
  store = await connectStore(`mongodb://127.0.0.1:${port}/`, { dbName: 'explain', postgresUrl: ferret.postgresUrl });
  store.connection.set('debug', (collection: string, method: string, filter: unknown) => {
    // An insert's argument is the document, not a filter: inserts read nothing.
    if (method.startsWith('insert')) return;
    if (filter && typeof filter === 'object' && !Array.isArray(filter)) {
      captured.push({ collection, method, filter: filter as Record<string, unknown> });
    }
  });
}, 120_000);

afterAll(async () => {
  await store?.close();
  await ferret?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Every condition text in a PostgreSQL plan, and whether any node reads a table whole. */
function readPlan(plan: Record<string, unknown>): { conditions: string; scans: boolean } {
  const nodes = [plan];
  let conditions = '';
  let scans = false;
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    if (node['Node Type'] === 'Seq Scan') scans = true;
    for (const key of ['Index Cond', 'Recheck Cond', 'Filter']) if (node[key]) conditions += ` ${node[key] as string}`;
    nodes.push(...((node.Plans as Array<Record<string, unknown>> | undefined) ?? []));
  }
  return { conditions, scans };
}

describe('the store’s hot queries on FerretDB over PostgreSQL', () => {
  for (const [name, run] of Object.entries(HOT)) {
    it(`${name}: pushed down and served by an index`, async () => {
      captured.length = 0;
      await run(store);
      expect(captured.length, 'the function sent no filtered query').toBeGreaterThan(0);
      for (const { collection, method, filter } of captured) {
        const where = `${collection}.${method}(${JSON.stringify(filter)})`;
        const explained = (await store.connection.db!.command({ explain: { find: collection, filter } })) as {
          filterPushdown: boolean;
          queryPlanner: { Plan: Record<string, unknown> };
        };
        expect(explained.filterPushdown, `${where} is not pushed down`).toBe(true);
        const { conditions, scans } = readPlan(explained.queryPlanner.Plan);
        expect(scans, `${where} reads the whole table: ${conditions}`).toBe(false);
        for (const key of Object.keys(filter)) {
          if (key in NOT_PUSHED || (RANGE_NOT_PUSHED.has(key) && isRange(filter[key]))) continue;
          expect(conditions, `${where}: ${key} is filtered by FerretDB, not PostgreSQL`).toContain(`'${key}'`);
        }
      }
    });
  }
});
