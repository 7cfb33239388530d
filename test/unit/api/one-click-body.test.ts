import { describe, expect, it } from 'vitest';
import { isOneClickBody, multipartBoundary, readMultipartFields } from '../../../api/unsubscribe/one-click-body.js';

const B = '----kizunaBoundary7MA4YWxkTrZu0gW';
const multipart = (parts: string[], boundary = B) =>
  Buffer.from(`${parts.map((p) => `--${boundary}\r\n${p}\r\n`).join('')}--${boundary}--\r\n`);
const field = (name: string, value: string) => `Content-Disposition: form-data; name="${name}"\r\n\r\n${value}`;
const type = `multipart/form-data; boundary=${B}`;

describe('the RFC 8058 one-click body', () => {
  it('reads List-Unsubscribe=One-Click from multipart/form-data, as mail providers send it', () => {
    expect(isOneClickBody(multipart([field('List-Unsubscribe', 'One-Click')]), type)).toBe(true);
    expect(isOneClickBody(multipart([field('a', '1'), field('List-Unsubscribe', 'One-Click')]), type)).toBe(true);
    const quoted = `multipart/form-data; boundary="${B}"; charset=utf-8`;
    expect(isOneClickBody(multipart([field('List-Unsubscribe', 'One-Click')]), quoted)).toBe(true);
  });

  it('reads it from a urlencoded body too', () => {
    expect(isOneClickBody({ 'List-Unsubscribe': 'One-Click' }, 'application/x-www-form-urlencoded')).toBe(true);
    expect(isOneClickBody({ 'List-Unsubscribe': 'one-click' }, 'application/x-www-form-urlencoded')).toBe(false);
  });

  it.each([
    ['another value', multipart([field('List-Unsubscribe', 'Nope')])],
    ['another field', multipart([field('Unsubscribe', 'One-Click')])],
    ['no closing delimiter', Buffer.from(`--${B}\r\n${field('List-Unsubscribe', 'One-Click')}\r\n`)],
    ['another boundary', multipart([field('List-Unsubscribe', 'One-Click')], 'other')],
    [
      'a file part',
      multipart(['Content-Disposition: form-data; name="List-Unsubscribe"; filename="x.txt"\r\n\r\nOne-Click']),
    ],
    [
      'a part that is not text',
      multipart([
        'Content-Disposition: form-data; name="List-Unsubscribe"\r\nContent-Type: application/json\r\n\r\nOne-Click',
      ]),
    ],
    ['a part without headers', multipart(['One-Click'])],
    ['more than 10 parts', multipart([...Array.from({ length: 11 }, (_, i) => field(`f${i}`, 'x'))])],
    ['more than 2 KB', multipart([field('pad', 'x'.repeat(2_100)), field('List-Unsubscribe', 'One-Click')])],
  ])('refuses %s', (_what, body) => {
    expect(isOneClickBody(body, type)).toBe(false);
  });

  it('finds the boundary only in a multipart/form-data type', () => {
    expect(multipartBoundary(type)).toBe(B);
    expect(multipartBoundary('multipart/mixed; boundary=abc')).toBeNull();
    expect(multipartBoundary('multipart/form-data')).toBeNull();
    expect(multipartBoundary(`multipart/form-data; boundary=${'x'.repeat(71)}`)).toBeNull();
  });

  it('reads every text field, UTF-8 values included', () => {
    const fields = readMultipartFields(multipart([field('name', '山田'), field('List-Unsubscribe', 'One-Click')]), B);
    expect(Object.fromEntries(fields!)).toEqual({ name: '山田', 'List-Unsubscribe': 'One-Click' });
  });
});
