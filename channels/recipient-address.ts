/**
 * What a customer's `email` may be: exactly one bare mailbox, `local@domain`. No display name, no
 * list, no group, no comment, no whitespace or control character (a CR/LF would let the value write
 * headers of its own), within SMTP's lengths (RFC 5321: 64 for the local part, 254 in all). The API
 * refuses anything else before it is stored, and the email transport refuses it again before SMTP.
 */
import addressparser from 'nodemailer/lib/addressparser';

/** The longest address SMTP carries (RFC 5321 4.5.3.1.3: a 256-octet path minus its angle brackets). */
export const MAX_EMAIL_LENGTH = 254;
const MAX_LOCAL_LENGTH = 64;
// Characters that separate, quote or comment addresses, and every whitespace and control character.
const FORBIDDEN = /[\s,;:<>()[\]"\\\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;

const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
/**
 * The whole rule as one pattern, also published in the OpenAPI document: a dot-atom local part of
 * RFC 5322 `atext` (at most 64 characters) and a domain of letter-digit-hyphen labels, 254 characters
 * at most. ASCII only, so that the document's pattern and the server agree exactly.
 */
export const EMAIL_PATTERN = new RegExp(
  `^(?=.{1,${MAX_EMAIL_LENGTH}}$)(?=[^@]{1,${MAX_LOCAL_LENGTH}}@)${ATEXT}(?:\\.${ATEXT})*@${LABEL}(?:\\.${LABEL})*$`,
);

/** Why `value` is not one bare mailbox, or `null` when it is. */
export function recipientAddressProblem(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return 'must be an address such as hanako@example.jp';
  if (value.length > MAX_EMAIL_LENGTH) return `must be at most ${MAX_EMAIL_LENGTH} characters`;
  if (FORBIDDEN.test(value)) {
    return 'must be one bare address: no name, list, comment, quote, space or line break';
  }
  const at = value.lastIndexOf('@');
  if (at <= 0 || value.indexOf('@') !== at) return 'must hold exactly one "@" with a local part before it';
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (local.length > MAX_LOCAL_LENGTH) return `must have a local part of at most ${MAX_LOCAL_LENGTH} characters`;
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return 'has dots out of place';
  if (!domain.split('.').every((label) => DOMAIN_LABEL.test(label))) return 'must end in a domain such as example.jp';
  if (!EMAIL_PATTERN.test(value)) {
    return "must be ASCII: letters, digits and !#$%&'*+/=?^_`{|}~- before the @, letters, digits and hyphens after it";
  }
  // nodemailer reads the value as a header would: it must see this one mailbox and nothing else.
  const parsed = addressparser(value);
  const only = parsed.length === 1 ? parsed[0] : undefined;
  if (!only || 'group' in only || only.address !== value || only.name !== '') return 'must be one bare address';
  return null;
}

/** Whether `value` is exactly one bare mailbox (see {@link recipientAddressProblem}). */
export function isRecipientAddress(value: unknown): value is string {
  return recipientAddressProblem(value) === null;
}
