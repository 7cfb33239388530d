/** Fixtures of the delivery tests: published journeys with pinned templates, customers, a delivery on real servers. */
import type { Server } from 'node:http';
import { inject } from 'vitest';
import { createDelivery, type DeliveryDeps, type DeliveryRequest } from '../../channels/deliver.js';
import { createSmtpTransport } from '../../channels/email-transport.js';
import { createLineSender } from '../../channels/line-sender.js';
import { createLineStandin, type StandinOptions } from '../../line-standin/app.js';
import { freePort } from '../../scripts/servers.js';
import { upsertProfile } from '../../store/customers.js';
import type { Models } from '../../store/models/index.js';

export const SECRET = 'test-unsubscribe-secret-0123456789abcdef';
export const LINE_TOKEN = 'test-line-token';
export const PUBLIC_BASE = 'https://kizuna.example.jp';

/** Stores a journey version whose pinned templates are the given sources (name -> channel -> YAML). */
export async function publishTemplates(
  models: Models,
  journeyId: string,
  templates: Record<string, { email?: string; line?: string }>,
  version = 1,
): Promise<void> {
  const pinned: Record<string, Record<string, { file: string; hash: string; source: string }>> = {};
  for (const [name, variants] of Object.entries(templates)) {
    for (const [channel, source] of Object.entries(variants)) {
      (pinned[name] ??= {})[channel] = { file: `definitions/templates/${channel}/${name}.yaml`, hash: 'h', source };
    }
  }
  await models.Journey.create({
    journeyId,
    version,
    contentHash: `${journeyId}-${version}`,
    name: journeyId,
    planJson: '{}',
    source: 'journey: test',
    templatesJson: JSON.stringify(pinned),
  });
}

/** A customer with an email address and the given consent. */
export async function addCustomer(
  models: Models,
  customerId: string,
  fields: Record<string, unknown> & { consent?: { email?: string; line?: string } },
): Promise<void> {
  const { consent, ...rest } = fields;
  await upsertProfile(models, customerId, {
    set: {
      ...rest,
      ...(consent?.email ? { 'consent.email': consent.email } : {}),
      ...(consent?.line ? { 'consent.line': consent.line } : {}),
    },
  });
}

let keys = 0;
/** A send request with a fresh delivery key. */
export function request(over: Partial<DeliveryRequest> & Pick<DeliveryRequest, 'customerId'>): DeliveryRequest {
  return {
    deliveryKey: `kizuna/test/${over.customerId}/e1/send-${++keys}/1/0`,
    journeyId: 'winback',
    version: 1,
    stepId: 'send-1',
    template: 'hello',
    channel: 'email',
    entryEventId: null,
    cap: null,
    nowMs: Date.UTC(2026, 0, 15, 1, 0),
    ...over,
  };
}

/** A delivery on the test SMTP server (and LINE stand-in when given). */
export function testDelivery(models: Models, smtpUrl: string, over: Partial<DeliveryDeps> = {}, lineBaseUrl?: string) {
  return createDelivery({
    models,
    email: createSmtpTransport({ url: smtpUrl, maxConnections: 2, socketTimeoutMs: 5000 }),
    line: lineBaseUrl ? createLineSender({ channelAccessToken: LINE_TOKEN, baseURL: lineBaseUrl }) : null,
    links: {
      publicBaseUrl: PUBLIC_BASE,
      unsubscribeSecret: SECRET,
      mailto: 'unsubscribe@shop.example.jp',
      extra: { shop: 'https://shop.example.jp/' },
    },
    shopName: '珈琲焙煎所きずな',
    from: '"珈琲焙煎所きずな" <news@shop.example.jp>',
    replyTo: 'support@shop.example.jp',
    onConfigError: () => {},
    ...over,
  });
}

/** Starts the LINE stand-in on a free port; accepted bodies are recorded for the end-of-run check. */
export async function startStandin(over: Partial<StandinOptions> = {}) {
  const standin = createLineStandin({
    channelAccessToken: LINE_TOKEN,
    recordFile: inject('lineBodiesFile'),
    ...over,
  });
  const port = await freePort();
  const server = await new Promise<Server>((ok, fail) => {
    const s = standin.app.listen(port, '127.0.0.1', (err) => (err ? fail(err) : ok(s)));
  });
  return {
    ...standin,
    baseURL: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
