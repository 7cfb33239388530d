import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { createEmailTransportOn, EmailSendError, type OutgoingEmail } from '../../../channels/email-transport.js';
import { toProfilePatch } from '../../../api/customers/profile-input.js';
import { ApiError } from '../../../api/http/errors.js';

const mail = (to: string): OutgoingEmail => ({
  from: 'Shop <news@shop.example.jp>',
  to,
  subject: 'Hello',
  html: '<p>Hello</p>',
  text: 'Hello',
  messageId: '<m-1@shop.example.jp>',
  headers: {},
});

describe('the email transport sends to one address only', () => {
  it.each([
    'victim@example.com, attacker@evil.test',
    'victim@example.com\r\nBcc: x@evil.test',
    'Victim <victim@example.com>',
  ])('refuses %j before SMTP, naming no address', async (to) => {
    const json = nodemailer.createTransport({ jsonTransport: true });
    let handed = 0;
    const counting = Object.assign(Object.create(json) as typeof json, {
      sendMail: (...args: Parameters<typeof json.sendMail>) => {
        handed++;
        return json.sendMail(...args);
      },
    });
    const sending = createEmailTransportOn(counting).send(mail(to));
    await expect(sending).rejects.toBeInstanceOf(EmailSendError);
    await expect(sending).rejects.toMatchObject({ kind: 'invalid' });
    await expect(sending).rejects.not.toThrow(/victim|attacker/);
    expect(handed).toBe(0);
  });

  it('sends to one bare address', async () => {
    const sent = await createEmailTransportOn(nodemailer.createTransport({ jsonTransport: true })).send(
      mail('hanako@example.jp'),
    );
    expect(sent.messageId).toBe('<m-1@shop.example.jp>');
  });
});

describe('a profile patch accepts one address as email', () => {
  const types = new Map([['email', 'string' as const]]);

  it.each(['victim@example.com, attacker@evil.test', 'victim@example.com\r\nBcc: x@evil.test', 'Hanako <h@x.jp>'])(
    'refuses %j with 400 INVALID_EMAIL',
    (email) => {
      let thrown: unknown;
      try {
        toProfilePatch({ email }, types);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(ApiError);
      expect(thrown).toMatchObject({ status: 400, code: 'INVALID_EMAIL', details: { problems: [{ path: 'email' }] } });
    },
  );

  it('keeps a bare address, and null unsets it', () => {
    expect(toProfilePatch({ email: 'hanako@example.jp' }, types)).toEqual({ set: { email: 'hanako@example.jp' } });
    expect(toProfilePatch({ email: null }, types)).toEqual({ set: { email: null } });
  });
});
