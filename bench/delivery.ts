/**
 * Send-path benchmark: sends/s through `deliver()` (consent, render, LINE budget, ledger, provider) to an
 * in-process SMTP server and to the LINE stand-in, on a real FerretDB over PostgreSQL, with one process
 * and as many sends in flight as one worker runs activities at once (its default
 * `maxConcurrentActivityTaskExecutions`, runtime/worker-settings.ts). The delivery layer is wired as the
 * worker wires it, LINE budget included. The ledger's cost is the same work without the ledger: profile
 * read, render and provider call only, measured in the same run. Prints JSON, with the machine's load
 * average before and after.
 *
 *   npx tsx bench/delivery.ts [sends-per-case] [--in-flight N] [--profile]
 *
 * `--profile` adds every store command a send made, by command and collection, per send and its time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SMTPServer } from 'smtp-server';
import { prepareContent } from '../channels/deliver-content.js';
import { createDelivery, type DeliveryDeps, type DeliveryRequest } from '../channels/deliver.js';
import { createSmtpTransport } from '../channels/email-transport.js';
import { lineRetryKey } from '../channels/line-retry-key.js';
import { createLineBudget } from '../channels/line-budget.js';
import { createLineSender } from '../channels/line-sender.js';
import { createLineStandin } from '../line-standin/app.js';
import { startFerretDB } from '../scripts/document-store.js';
import { freePort } from '../scripts/servers.js';
import { connectStore } from '../store/connection.js';
import { findProfile, upsertProfile } from '../store/customers.js';
import { DEFAULT_MAX_CONCURRENT_ACTIVITIES } from '../runtime/worker-settings.js';
import { assertWork, exactly } from './assert-work.js';
import { profileCommands, type CommandFigure } from './delivery/command-profile.js';

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const SENDS = Number(process.argv[2]?.startsWith('--') ? 300 : (process.argv[2] ?? 300));
/** Sends in flight: what one worker runs at once (`--in-flight` to try another figure). */
const IN_FLIGHT = Number(option('in-flight') ?? DEFAULT_MAX_CONCURRENT_ACTIVITIES);
const PROFILE = process.argv.includes('--profile');
/** The worker's budget path, with a budget the bench does not use up (definitions/workspace.yaml's shape). */
const LINE_BUDGET = { monthly: 1_000_000, reserve: 500 };
const load = () => loadavg().map((n) => Number(n.toFixed(2)));
const EMAIL = `subject: "{{ profile.lastName }}様、新豆が入荷しました"
html: |
  <style>p { color: #333; }</style>
  <p>{{ profile.lastName }}様</p><p><a href="{{ links.shop }}">新豆</a> / <a href="{{ links.unsubscribe }}">配信停止</a></p>
`;
const LINE = `messages:
  - type: text
    text: "{{ profile.lastName }}さん、新豆が入荷しました {{ links.shop }}"
`;

async function run(count: number, send: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < count) await send(next++);
    }),
  );
  return Number((count / ((performance.now() - start) / 1000)).toFixed(1));
}

let mailsReceived = 0;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'kizuna-bench-delivery-'));
  const mongoPort = await freePort();
  const ferret = await startFerretDB({ port: mongoPort, dataDir: join(dir, 'ferretdb') });
  const loadBefore = load();
  // Command monitoring is chosen when the client is made; it costs nothing when nobody listens.
  const store = await connectStore(`mongodb://127.0.0.1:${mongoPort}/?monitorCommands=true`, {
    dbName: 'bench',
    postgresUrl: ferret.postgresUrl,
  });
  const smtpPort = await freePort();
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData: (stream, _s, done) =>
      stream
        .on('end', () => {
          mailsReceived += 1;
          done();
        })
        .resume(),
  });
  await new Promise<void>((ok) => smtp.listen(smtpPort, '127.0.0.1', ok));
  const standin = createLineStandin({ channelAccessToken: 'bench' });
  const linePort = await freePort();
  const lineServer = await new Promise<Server>((ok) => {
    const s = standin.app.listen(linePort, '127.0.0.1', () => ok(s));
  });
  await store.models.Journey.create({
    journeyId: 'bench',
    version: 1,
    contentHash: 'bench',
    name: 'bench',
    planJson: '{}',
    source: 'bench',
    templatesJson: JSON.stringify({
      news: { email: { file: 'e', hash: 'h', source: EMAIL }, line: { file: 'l', hash: 'h', source: LINE } },
    }),
  });
  const customers = 500;
  for (let i = 0; i < customers; i++) {
    await upsertProfile(store.models, `c${i}`, {
      set: {
        email: `c${i}@bench.example`,
        lineUserId: `U${i.toString(16).padStart(32, '0')}`,
        lastName: '山田',
        'consent.email': 'subscribed',
        'consent.line': 'following',
      },
    });
  }
  const line = createLineSender({ channelAccessToken: 'bench', baseURL: `http://127.0.0.1:${linePort}` });
  const deps: DeliveryDeps = {
    models: store.models,
    email: createSmtpTransport({ url: `smtp://127.0.0.1:${smtpPort}`, maxConnections: IN_FLIGHT }),
    line,
    // As channels/delivery-config.ts wires it when definitions/workspace.yaml sets a budget.
    lineBudget: createLineBudget({ models: store.models, policy: LINE_BUDGET, quota: () => line.quota() }),
    links: {
      publicBaseUrl: 'https://k.example',
      unsubscribeSecret: 'b'.repeat(32),
      mailto: 'u@shop.example',
      extra: { shop: 'https://shop.example/' },
    },
    shopName: 'Bench',
    from: 'news@shop.example',
  };
  const delivery = createDelivery(deps);
  const req = (channel: 'email' | 'line', tag: string, i: number): DeliveryRequest => ({
    deliveryKey: `bench/${tag}/${i}`,
    journeyId: 'bench',
    version: 1,
    stepId: 's',
    template: 'news',
    channel,
    customerId: `c${i % customers}`,
    entryEventId: null,
    cap: { max: 3, perMs: 86_400_000 },
    nowMs: Date.now(),
    // As the send activity's first attempt asks.
    firstAttempt: true,
  });
  const bare = async (channel: 'email' | 'line', tag: string, i: number) => {
    const r = req(channel, tag, i);
    const content = await prepareContent(deps, r, channel, (await findProfile(store.models, r.customerId))!);
    if (content.channel === 'email') await deps.email.send(content.mail);
    else await deps.line!.push({ to: content.to, messages: content.messages, retryKey: lineRetryKey(r.deliveryKey) });
  };
  let sentOutcomes = 0;
  const send = async (channel: 'email' | 'line', tag: string, i: number) => {
    if ((await delivery.deliver(req(channel, tag, i))).status === 'sent') sentOutcomes += 1;
  };
  const commands = profileCommands(store.connection);
  const profile: Record<string, CommandFigure[]> = {};
  const measured = async (name: string, sends: () => Promise<number>) => {
    commands.take(1);
    const rate = await sends();
    profile[name] = commands.take(SENDS);
    return rate;
  };
  await run(20, (i) => send('email', 'warm', i));
  const figures = {
    benchmark: 'delivery',
    sends: SENDS,
    inFlight: IN_FLIGHT,
    inFlightIs:
      option('in-flight') === undefined
        ? `the worker's maxConcurrentActivityTaskExecutions (${DEFAULT_MAX_CONCURRENT_ACTIVITIES})`
        : 'set by --in-flight',
    emailSendsPerSecond: await measured('email', () => run(SENDS, (i) => send('email', 'email', i))),
    emailSendsPerSecondWithoutLedger: await measured('emailBare', () =>
      run(SENDS, (i) => bare('email', 'email-bare', i)),
    ),
    lineSendsPerSecond: await measured('line', () => run(SENDS, (i) => send('line', 'line', i))),
    lineSendsPerSecondWithoutLedger: await measured('lineBare', () => run(SENDS, (i) => bare('line', 'line-bare', i))),
    ledgerRows: await store.models.Delivery.countDocuments(),
    lineBudgetCounted: await store.models.LineBudgetSlot.countDocuments(),
  };
  // Every send through the ledger was sent once, and every message (with and without it) arrived once.
  assertWork('delivery', {
    sentThroughLedger: exactly(sentOutcomes, 20 + 2 * SENDS),
    ledgerRows: exactly(figures.ledgerRows, 20 + 2 * SENDS),
    mailsReceived: exactly(mailsReceived, 20 + 2 * SENDS),
    linePushesReceived: exactly(standin.pushes.length, 2 * SENDS),
    lineBudgetCounted: exactly(figures.lineBudgetCounted, SENDS),
  });
  const perSend = (withLedger: number, without: number) => Number((1000 / withLedger - 1000 / without).toFixed(2));
  console.log(
    JSON.stringify({
      ...figures,
      ledgerMsPerEmailSend: perSend(figures.emailSendsPerSecond, figures.emailSendsPerSecondWithoutLedger),
      ledgerMsPerLineSend: perSend(figures.lineSendsPerSecond, figures.lineSendsPerSecondWithoutLedger),
      loadAverage: { before: loadBefore, after: load() },
      ...(PROFILE ? { storeCommandsPerSend: profile } : {}),
    }),
  );
  delivery.close();
  lineServer.close();
  await new Promise<void>((ok) => smtp.close(() => ok()));
  await store.close();
  await ferret.stop();
  rmSync(dir, { recursive: true, force: true });
}

await main();
