/**
 * The parts of an email derived from the delivery: a deterministic Message-ID and the RFC 8058
 * one-click unsubscribe headers.
 */
import { createHash } from 'node:crypto';
import addressparser from 'nodemailer/lib/addressparser';

/** The domain of a From address (`"Shop" <news@shop.example>` -> `shop.example`); throws when there is none. */
export function addressDomain(from: string): string {
  const parsed = addressparser(from, { flatten: true });
  const address = parsed[0]?.address ?? '';
  const at = address.lastIndexOf('@');
  if (parsed.length !== 1 || at <= 0 || at === address.length - 1) {
    throw new Error(`"${from}" is not a single email address with a domain`);
  }
  return address.slice(at + 1).toLowerCase();
}

/**
 * The Message-ID of a delivery: the same key always gives the same id, so a resent message can be
 * recognised (and collapsed by receivers that deduplicate on it).
 */
export function deliveryMessageId(deliveryKey: string, domain: string): string {
  const digest = createHash('sha256').update(deliveryKey).digest('hex').slice(0, 40);
  return `<kizuna.${digest}@${domain}>`;
}

/** `List-Unsubscribe` with the one-click URL and a mailto, and `List-Unsubscribe-Post` (RFC 8058). */
export function unsubscribeHeaders(url: string, mailto: string, token: string): Record<string, string> {
  const target = mailto.replace(/^mailto:/i, '');
  const subject = encodeURIComponent(`unsubscribe ${token}`);
  return {
    'List-Unsubscribe': `<${url}>, <mailto:${target}?subject=${subject}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}
