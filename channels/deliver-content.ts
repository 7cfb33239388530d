/**
 * What a delivery sends: the pinned template rendered for the recipient, with the per-recipient
 * unsubscribe link, and for email the headers derived from the delivery key.
 */
import type { Profile } from '../store/customers.js';
import type { Models } from '../store/connection.js';
import { findCustomerEvent } from '../store/events.js';
import { loadPinnedTemplates } from '../store/templates.js';
import type { DeliveryDeps, DeliveryRequest } from './deliver.js';
import { addressDomain, deliveryMessageId, unsubscribeHeaders } from './email-headers.js';
import type { OutgoingEmail } from './email-transport.js';
import type { LineMessage } from './line-sender.js';
import { parseTemplate, renderEmail, renderLine, TemplateRenderError, type RenderScope } from './render.js';
import { createUnsubscribeToken, unsubscribeUrl } from './unsubscribe-token.js';

/** A rendered message for one channel. */
export type PreparedContent =
  { channel: 'email'; mail: OutgoingEmail } | { channel: 'line'; to: string; messages: LineMessage[] };

/** Loads the template and the entry event, renders; throws {@link TemplateRenderError} (reason `template-error`). */
export async function prepareContent(
  deps: DeliveryDeps,
  req: DeliveryRequest,
  channel: 'email' | 'line',
  profile: Profile,
): Promise<PreparedContent> {
  const pinned = await loadPinnedTemplates(deps.models, req.journeyId, req.version);
  const variant = pinned?.[req.template]?.[channel];
  if (!variant) {
    throw new TemplateRenderError(
      `journey ${req.journeyId} v${req.version} pins no ${channel} template "${req.template}"`,
    );
  }
  const token = createUnsubscribeToken(
    { customerId: req.customerId, channel, journeyId: req.journeyId, issuedAtMs: req.nowMs },
    deps.links.unsubscribeSecret,
    deps.links.unsubscribeTokenTtlMs,
  );
  const unsubscribe = unsubscribeUrl(deps.links.publicBaseUrl, token);
  const scope: RenderScope = {
    profile,
    event: await loadEvent(deps.models, req.customerId, req.entryEventId),
    journey: { id: req.journeyId, version: req.version, stepId: req.stepId },
    links: { ...deps.links.extra, unsubscribe },
  };
  if (channel === 'line') {
    const messages = await renderLine(parseTemplate('line', variant.file, variant.source), scope);
    return { channel, to: String(profile['lineUserId']), messages };
  }
  const rendered = await renderEmail(parseTemplate('email', variant.file, variant.source), scope);
  const identity = deps.senders?.[req.journeyId] ?? { from: deps.from, replyTo: deps.replyTo };
  const mail: OutgoingEmail = {
    from: identity.from,
    ...(identity.replyTo ? { replyTo: identity.replyTo } : {}),
    to: String(profile['email']),
    ...rendered,
    messageId: deliveryMessageId(req.deliveryKey, addressDomain(identity.from)),
    headers: unsubscribeHeaders(unsubscribe, deps.links.mailto, token),
  };
  return { channel, mail };
}

/** The entry event as `{{ event.* }}` sees it: its properties, with `type` and `occurredAt`. */
async function loadEvent(
  models: Models,
  customerId: string,
  eventId: string | null,
): Promise<Record<string, unknown> | null> {
  if (eventId === null) return null;
  const doc = await findCustomerEvent(models, customerId, eventId);
  if (!doc) return null;
  return { type: doc.type, occurredAt: doc.occurredAt, ...(doc.properties ?? {}) };
}
