/**
 * SMTP through nodemailer: a pooled transport from a URL, optional DKIM, and failures classified by
 * what a retry can change. Knows nothing of templates or the ledger.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import { isRecipientAddress } from './recipient-address.js';

/** A rendered email, ready for the wire. */
export interface OutgoingEmail {
  from: string;
  replyTo?: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Full Message-ID with angle brackets, deterministic per delivery key. */
  messageId: string;
  headers: Record<string, string>;
}

export interface EmailSent {
  messageId: string;
  /** The server's final answer, e.g. `250 2.0.0 OK queued as 1234`. */
  response: string;
}

/**
 * How a failed SMTP call ended:
 * - `address`: the server refused this recipient (5xx on RCPT, or 5.1.x): permanent, the address bounces;
 * - `rejected`: another permanent refusal (5xx: content, policy, size);
 * - `transient`: nothing was accepted (4xx, connection refused, greeting timeout): safe to resend;
 * - `uncertain`: the connection broke or timed out while the message may have been accepted;
 * - `invalid`: the recipient is not exactly one bare address; nothing was handed to SMTP.
 */
export type EmailFailureKind = 'address' | 'rejected' | 'transient' | 'uncertain' | 'invalid';

/** Thrown by {@link EmailTransport.send}. */
export class EmailSendError extends Error {
  constructor(
    readonly kind: EmailFailureKind,
    message: string,
    readonly responseCode: number | null,
  ) {
    super(message);
    this.name = 'EmailSendError';
  }
}

export interface EmailTransport {
  /** Sends one message; throws {@link EmailSendError}. */
  send(mail: OutgoingEmail): Promise<EmailSent>;
  close(): void;
}

/** DKIM signing keys (RFC 6376). */
export interface DkimOptions {
  domainName: string;
  keySelector: string;
  /** PEM private key. */
  privateKey: string;
}

export interface SmtpOptions {
  /** `smtp://user:pass@host:587`, `smtps://host:465`; query options as nodemailer reads them. */
  url: string;
  dkim?: DkimOptions | null;
  /** Pool size (connections kept open); default 5. */
  maxConnections?: number;
  /** Socket inactivity timeout in ms; default 60 s (the ledger's lease is renewed while the call runs). */
  socketTimeoutMs?: number;
}

/** A pooled SMTP transport on a URL. */
export function createSmtpTransport(opts: SmtpOptions): EmailTransport {
  const url = new URL(opts.url);
  const transport = nodemailer.createTransport({
    pool: true,
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
    secure: url.protocol === 'smtps:',
    ...(url.username
      ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
      : {}),
    maxConnections: opts.maxConnections ?? 5,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: opts.socketTimeoutMs ?? 60_000,
    ...(url.searchParams.get('ignoreTLS') === 'true' ? { ignoreTLS: true } : {}),
    ...(opts.dkim ? { dkim: opts.dkim } : {}),
  });
  return createEmailTransportOn(transport);
}

/** The same transport behaviour on an existing nodemailer transporter. */
export function createEmailTransportOn(transport: Transporter): EmailTransport {
  return {
    async send(mail) {
      // The API checks addresses when they are written; rows stored before that check must not reach
      // several mailboxes (or write headers) either. The message names no address: it is journaled.
      if (!isRecipientAddress(mail.to)) {
        throw new EmailSendError('invalid', 'the recipient is not exactly one address; nothing was sent', null);
      }
      try {
        const info = (await transport.sendMail({
          from: mail.from,
          ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
          to: mail.to,
          subject: mail.subject,
          html: mail.html,
          text: mail.text,
          messageId: mail.messageId,
          headers: mail.headers,
        })) as { rejected?: unknown[]; response?: string };
        if (info.rejected && info.rejected.length > 0) {
          throw new EmailSendError('address', `the server refused the recipient: ${info.response ?? ''}`, null);
        }
        return { messageId: mail.messageId, response: info.response ?? '' };
      } catch (err) {
        throw err instanceof EmailSendError ? err : classifySmtpError(err);
      }
    },
    close: () => transport.close(),
  };
}

// Failures to open a connection at all: no byte of the message can have left.
const DEFINITELY_NOT_SENT = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'];

/** Classifies a nodemailer error by what a retry can change (see {@link EmailFailureKind}). */
export function classifySmtpError(err: unknown): EmailSendError {
  const e = err as { responseCode?: number; code?: string; command?: string; message?: string; syscall?: string };
  const text = `${e.code ?? 'ERROR'}${e.command ? ` (${e.command})` : ''}: ${e.message ?? String(err)}`;
  const status = typeof e.responseCode === 'number' ? e.responseCode : null;
  if (status !== null && status >= 500) {
    // 5xx to RCPT TO, or an enhanced status 5.1.x (bad mailbox / address), is about the address.
    const aboutAddress = e.command === 'RCPT TO' || /\b5\.1\.\d+\b/.test(e.message ?? '');
    return new EmailSendError(aboutAddress ? 'address' : 'rejected', text, status);
  }
  if (status !== null && status >= 400) return new EmailSendError('transient', text, status);
  if (e.code === 'EENVELOPE' && /recipient/i.test(e.message ?? '')) return new EmailSendError('address', text, status);
  const before = e.syscall === 'connect' || /Connection timeout|Greeting never received/i.test(e.message ?? '');
  if (before || DEFINITELY_NOT_SENT.some((c) => (e.message ?? '').includes(c)) || e.command === 'EHLO') {
    return new EmailSendError('transient', text, status);
  }
  return new EmailSendError('uncertain', text, status);
}
