/**
 * Email delivery through nodemailer. Knows nothing of Temporal: it reports failures as
 * {@link EmailDeliveryError} with `permanent` set, and the activity layer maps that to retry policy.
 */
import { createHash } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';

export interface EmailMessage {
  to: string;
  subject: string;
  html?: string;
  text: string;
  /** Ledger key of this send; the Message-ID is derived from it so a resent message is recognisable. */
  idempotencyKey: string;
}

export interface EmailSendResult {
  messageId: string;
  accepted: string[];
}

/**
 * Thrown by {@link EmailSender.sendEmail}. `permanent` is true for answers that a retry cannot change
 * (SMTP 5xx, a rejected recipient); false for SMTP 4xx and connection failures.
 */
export class EmailDeliveryError extends Error {
  constructor(
    readonly code: 'EMAIL_REJECTED' | 'EMAIL_UNAVAILABLE',
    message: string,
    readonly permanent: boolean,
    readonly responseCode?: number,
  ) {
    super(message);
    this.name = 'EmailDeliveryError';
  }
}

export interface EmailSender {
  sendEmail(message: EmailMessage): Promise<EmailSendResult>;
  close(): void;
}

/** Builds a sender on an SMTP URL (`smtp://host:port`, `smtps://user:pass@host`). */
export function createEmailSender(opts: { smtpUrl: string; from: string }): EmailSender {
  return createEmailSenderOn(nodemailer.createTransport(opts.smtpUrl), opts.from);
}

/** Builds a sender on an existing nodemailer transport. */
export function createEmailSenderOn(transport: Transporter, from: string): EmailSender {
  const domain = from.split('@')[1]?.replace(/>$/, '') ?? 'kizuna.local';
  return {
    async sendEmail(message) {
      const messageId = `<${createHash('sha256').update(message.idempotencyKey).digest('hex').slice(0, 32)}@${domain}>`;
      try {
        const info = await transport.sendMail({
          from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          ...(message.html ? { html: message.html } : {}),
          messageId,
        });
        return { messageId, accepted: (info.accepted ?? []).map(String) };
      } catch (err) {
        throw classifySmtpError(err);
      }
    },
    close: () => transport.close(),
  };
}

function classifySmtpError(err: unknown): EmailDeliveryError {
  const e = err as { responseCode?: number; code?: string; message?: string };
  const text = `${e.code ?? 'ERROR'}: ${e.message ?? String(err)}`;
  if (typeof e.responseCode === 'number' && e.responseCode >= 500) {
    return new EmailDeliveryError('EMAIL_REJECTED', text, true, e.responseCode);
  }
  return new EmailDeliveryError('EMAIL_UNAVAILABLE', text, false, e.responseCode);
}
