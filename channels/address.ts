/**
 * The sender address of outgoing email (MAIL_FROM), parsed as RFC 5322 reads it — a display name
 * may hold `@` (`"support@shop" <news@shop.example.jp>`), a comment may follow the address
 * (`news@shop.example.jp (Shop news)`) — with nodemailer's own parser, so the domain Kizuna puts in
 * Message-IDs is the one nodemailer puts in the From header.
 */
import addressparser from 'nodemailer/lib/addressparser';

/** Thrown for a sender that is not exactly one mailbox with a local part and a domain. */
export class SenderAddressError extends Error {
  readonly code = 'INVALID_SENDER_ADDRESS';
  constructor(
    readonly from: string,
    why: string,
  ) {
    super(`sender address ${JSON.stringify(from)} ${why}; expected e.g. "Shop <news@shop.example.jp>"`);
    this.name = 'SenderAddressError';
  }
}

export interface SenderAddress {
  /** Display name, '' when there is none. */
  name: string;
  /** The mailbox, `local@domain`. */
  address: string;
  /** The domain, lower-cased (domain names are case-insensitive). */
  domain: string;
}

/** Parses a From value; throws {@link SenderAddressError} unless it is exactly one mailbox. */
export function parseSenderAddress(from: string): SenderAddress {
  const parsed = addressparser(from);
  if (parsed.length !== 1) {
    throw new SenderAddressError(from, parsed.length === 0 ? 'is empty' : `holds ${parsed.length} addresses`);
  }
  const [entry] = parsed;
  if (!entry || 'group' in entry) throw new SenderAddressError(from, 'is a group, not one mailbox');
  const at = entry.address.lastIndexOf('@');
  if (at <= 0 || at === entry.address.length - 1) {
    throw new SenderAddressError(from, 'has no mailbox of the form local@domain');
  }
  return { name: entry.name, address: entry.address, domain: entry.address.slice(at + 1).toLowerCase() };
}
