import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { freePort } from '../../scripts/servers.js';

export interface CapturedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
  /** Header lines as sent, by lower-case name (`list-unsubscribe`, `reply-to`, `dkim-signature`...). */
  headers: Record<string, string>;
}

export interface SmtpCaptureOptions {
  /** Listen on this port (to bring a server back where a client expects it); a free one by default. */
  port?: number;
  /** Answers a recipient with this SMTP error (e.g. 550 unknown mailbox, 451 try later); null accepts. */
  refuseRecipient?: (address: string) => { code: number; message: string } | null;
  /** Called with each message kept, just before the server answers 250 (the moment it is accepted). */
  onAccept?: (mail: CapturedMail) => void;
}

/** Joins a folded header line (RFC 5322 unfolding: drop the line breaks, keep the whitespace). */
const unfold = (line: string) => line.replace(/\r?\n(?=[ \t])/g, '');

/** A real SMTP server in process that keeps every message it accepts. */
export async function startSmtpCapture(opts: SmtpCaptureOptions = {}) {
  const mails: CapturedMail[] = [];
  const port = opts.port ?? (await freePort());
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, done) {
      const refusal = opts.refuseRecipient?.(address.address) ?? null;
      if (!refusal) return done();
      done(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
    },
    onData(stream, session, done) {
      simpleParser(stream)
        .then((mail) => {
          const captured: CapturedMail = {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: typeof mail.html === 'string' ? mail.html : '',
            messageId: mail.messageId ?? '',
            headers: Object.fromEntries(
              mail.headerLines.map((h) => [h.key, unfold(h.line.slice(h.key.length + 1)).trim()]),
            ),
          };
          mails.push(captured);
          opts.onAccept?.(captured);
          done();
        })
        .catch(done);
    },
  });
  // A client that dies mid-transaction (a worker killed while sending) resets its socket; smtp-server
  // reports that as an 'error' event, which would otherwise be thrown as an uncaught exception.
  const clientErrors: Error[] = [];
  server.on('error', (err: Error) => clientErrors.push(err));
  await new Promise<void>((ok) => server.listen(port, '127.0.0.1', ok));
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    mails,
    clientErrors,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
