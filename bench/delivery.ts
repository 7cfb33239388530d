/**
 * Send-path benchmark: sends/s through `deliver()` (consent, render, ledger, provider) to an in-process
 * SMTP server and to the LINE stand-in, on a real FerretDB, with one process and a few sends in flight
 * (as one worker runs them). The ledger's cost is the same work without the ledger: profile read,
 * render and provider call only, measured in the same run. Prints JSON.
 *
 *   npx tsx bench/delivery.ts [sends-per-case]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SMTPServer } from 'smtp-server';
import { prepareContent } from '../channels/deliver-content.js';
import { createDelivery, type DeliveryDeps, type DeliveryRequest } from '../channels/deliver.js';
import { createSmtpTransport } from '../channels/email-transport.js';
import { lineRetryKey } from '../channels/line-retry-key.js';
import { createLineSender } from '../channels/line-sender.js';
import { createLineStandin } from '../line-standin/app.js';
import { startFerretDB } from '../scripts/document-store.js';
import { freePort } from '../scripts/servers.js';
import { connectStore } from '../store/connection.js';
import { findProfile, upsertProfile } from '../store/customers.js';
import { assertWork, exactly } from './assert-work.js';

const SENDS = Number(process.argv[2] ?? 300);
const IN_FLIGHT = 8;
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
  const store = await connectStore(`mongodb://127.0.0.1:${mongoPort}/`, {
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
  const deps: DeliveryDeps = {
    models: store.models,
    email: createSmtpTransport({ url: `smtp://127.0.0.1:${smtpPort}`, maxConnections: IN_FLIGHT }),
    line: createLineSender({ channelAccessToken: 'bench', baseURL: `http://127.0.0.1:${linePort}` }),
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
  await run(20, (i) => send('email', 'warm', i));
  const figures = {
    benchmark: 'delivery',
    sends: SENDS,
    inFlight: IN_FLIGHT,
    emailSendsPerSecond: await run(SENDS, (i) => send('email', 'email', i)),
    emailSendsPerSecondWithoutLedger: await run(SENDS, (i) => bare('email', 'email-bare', i)),
    lineSendsPerSecond: await run(SENDS, (i) => send('line', 'line', i)),
    lineSendsPerSecondWithoutLedger: await run(SENDS, (i) => bare('line', 'line-bare', i)),
    ledgerRows: await store.models.Delivery.countDocuments(),
  };
  // Every send through the ledger was sent once, and every message (with and without it) arrived once.
  assertWork('delivery', {
    sentThroughLedger: exactly(sentOutcomes, 20 + 2 * SENDS),
    ledgerRows: exactly(figures.ledgerRows, 20 + 2 * SENDS),
    mailsReceived: exactly(mailsReceived, 20 + 2 * SENDS),
    linePushesReceived: exactly(standin.pushes.length, 2 * SENDS),
  });
  const perSend = (withLedger: number, without: number) => Number((1000 / withLedger - 1000 / without).toFixed(2));
  console.log(
    JSON.stringify({
      ...figures,
      ledgerMsPerEmailSend: perSend(figures.emailSendsPerSecond, figures.emailSendsPerSecondWithoutLedger),
      ledgerMsPerLineSend: perSend(figures.lineSendsPerSecond, figures.lineSendsPerSecondWithoutLedger),
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
