import { describe, expect, it } from 'vitest';
import { parseSenderAddress, SenderAddressError } from '../../../channels/address.js';

describe('parseSenderAddress', () => {
  it.each([
    ['no-reply@kizuna.local', '', 'no-reply@kizuna.local', 'kizuna.local'],
    ['Kizuna <no-reply@kizuna.local>', 'Kizuna', 'no-reply@kizuna.local', 'kizuna.local'],
    ['"support@shop" <news@shop.example.jp>', 'support@shop', 'news@shop.example.jp', 'shop.example.jp'],
    ['news@shop.example.jp (Shop news)', 'Shop news', 'news@shop.example.jp', 'shop.example.jp'],
    ['Shop <news@Shop.Example.JP> (weekly)', 'Shop', 'news@Shop.Example.JP', 'shop.example.jp'],
    ['"ショップ" <news@shop.example.jp>', 'ショップ', 'news@shop.example.jp', 'shop.example.jp'],
    ['"a@b" <"odd@local"@shop.example.jp>', 'a@b', '"odd@local"@shop.example.jp', 'shop.example.jp'],
  ])('%s → name %j, address %s, domain %s', (from, name, address, domain) => {
    expect(parseSenderAddress(from)).toEqual({ name, address, domain });
  });

  it.each([
    ['', 'is empty'],
    ['Shop', 'has no mailbox of the form local@domain'],
    ['news@', 'has no mailbox of the form local@domain'],
    ['news@shop.example.jp, sales@shop.example.jp', 'holds 2 addresses'],
    ['Team: a@shop.example.jp;', 'is a group, not one mailbox'],
  ])('refuses %j: it %s', (from, why) => {
    const attempt = () => parseSenderAddress(from);
    expect(attempt).toThrow(SenderAddressError);
    expect(attempt).toThrow(why);
    try {
      attempt();
    } catch (err) {
      expect((err as SenderAddressError).code).toBe('INVALID_SENDER_ADDRESS');
    }
  });
});
