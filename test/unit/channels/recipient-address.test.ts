import { describe, expect, it } from 'vitest';
import { EMAIL_PATTERN, isRecipientAddress, recipientAddressProblem } from '../../../channels/recipient-address.js';

describe('a customer email is exactly one bare address', () => {
  it.each([
    'hanako@example.jp',
    'hanako.yamada+news@shop.example.co.jp',
    "o'brien@example.com",
    `${'a'.repeat(64)}@example.jp`,
  ])('accepts %j', (value) => {
    expect(recipientAddressProblem(value)).toBeNull();
    expect(EMAIL_PATTERN.test(value)).toBe(true);
  });

  it.each([
    ['victim@example.com, attacker@evil.test', 'list'],
    ['victim@example.com\r\nBcc: x@evil.test', 'line break'],
    ['victim@example.com\nBcc: x@evil.test', 'line feed'],
    ['Hanako <hanako@example.jp>', 'display name'],
    ['"Hanako" hanako@example.jp', 'quoted name'],
    ['hanako@example.jp (Hanako)', 'comment'],
    ['Team: a@example.jp;', 'group'],
    ['a@example.jp;b@example.jp', 'semicolon list'],
    ['a@b@example.jp', 'two @'],
    ['hanako', 'no @'],
    ['@example.jp', 'no local part'],
    ['hanako@', 'no domain'],
    ['hanako@example..jp', 'empty label'],
    ['hanako@-example.jp', 'label starting with a dash'],
    ['.hanako@example.jp', 'leading dot'],
    ['hana ko@example.jp', 'space'],
    ['hanako@example.jp\u0000', 'NUL'],
    ['hanako@example.jp\u2028', 'line separator'],
    [`${'a'.repeat(65)}@example.jp`, 'local part over 64'],
    [`a@${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.${'e'.repeat(60)}.${'f'.repeat(10)}.jp`, 'over 254'],
    ['', 'empty'],
    ['山田@例え.jp', 'not ASCII (the pattern the OpenAPI document publishes)'],
  ])('refuses %j (%s)', (value) => {
    expect(recipientAddressProblem(value)).toEqual(expect.any(String));
    expect(isRecipientAddress(value)).toBe(false);
    expect(EMAIL_PATTERN.test(value)).toBe(false);
  });

  it('refuses what is not a string', () => {
    for (const value of [null, 42, ['a@example.jp'], { address: 'a@example.jp' }]) {
      expect(isRecipientAddress(value)).toBe(false);
    }
  });
});
