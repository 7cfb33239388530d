// The stand-in's monthly quota over real HTTP, as LINE documents it: `GET /v2/bot/message/quota`
// (`type: none | limited`, `value`) and `/quota/consumption` (`totalUsage`), counting one message per
// recipient of every accepted push, multicast and broadcast in the month (Japan time), a retried request
// once, and refusing with 429 "You have reached your monthly limit." past the limit.
import { randomUUID } from 'node:crypto';
import { HTTPFetchError, messagingApi } from '@line/bot-sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LINE_TOKEN, startStandin } from './delivery-helpers.js';

const user = (n: number) => `U${n.toString(16).padStart(32, '0')}`;
const text = (t: string) => ({ type: 'text' as const, text: t });
// 2026-11-30 23:30 in Tokyo: half an hour before LINE's month turns.
const NOVEMBER_END = Date.parse('2026-11-30T14:30:00Z');

describe('the stand-in counts the monthly quota as LINE does', () => {
  let standin: Awaited<ReturnType<typeof startStandin>>;
  let client: messagingApi.MessagingApiClient;
  let now = NOVEMBER_END;

  beforeAll(async () => {
    standin = await startStandin({ clock: () => now, followers: { [user(1)]: 'a', [user(2)]: 'b', [user(3)]: 'c' } });
    client = new messagingApi.MessagingApiClient({ channelAccessToken: LINE_TOKEN, baseURL: standin.baseURL });
  });
  afterAll(async () => {
    await standin?.close();
  });
  beforeEach(async () => {
    now += 31 * 24 * 60 * 60 * 1000; // a month of its own for every test
    await setQuota({ value: null, totalUsage: 0 });
  });

  async function setQuota(body: unknown) {
    return fetch(`${standin.baseURL}/__standin/quota`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  it('answers type none, then the limit a test sets, and counts per recipient', async () => {
    expect(await client.getMessageQuota()).toEqual({ type: 'none' });
    expect(await client.getMessageQuotaConsumption()).toEqual({ totalUsage: 0 });
    expect((await setQuota({ value: 1000, totalUsage: 40 })).status).toBe(200);
    expect(await client.getMessageQuota()).toEqual({ type: 'limited', value: 1000 });
    await client.pushMessage({ to: user(1), messages: [text('1'), text('2'), text('3')] });
    await client.multicast({ to: [user(1), user(2), user(3)], messages: [text('m')] });
    await client.broadcast({ messages: [text('b'), text('b2')] });
    // 40 before + 1 push + 3 multicast recipients + 3 followers reached by the broadcast.
    expect(await client.getMessageQuotaConsumption()).toEqual({ totalUsage: 47 });
  });

  it('counts a retried request once, answering 409 to the retry', async () => {
    const key = randomUUID();
    await client.multicast({ to: [user(1), user(2)], messages: [text('m')] }, key);
    const again = await client
      .multicastWithHttpInfo({ to: [user(1), user(2)], messages: [text('m')] }, key)
      .catch((err: unknown) => err);
    expect(again).toBeInstanceOf(HTTPFetchError);
    expect((again as HTTPFetchError).status).toBe(409);
    expect(await client.getMessageQuotaConsumption()).toEqual({ totalUsage: 2 });
  });

  it('refuses past the limit with the monthly-limit 429, a multicast that would pass it too', async () => {
    await setQuota({ value: 3, totalUsage: 1 });
    await client.pushMessage({ to: user(1), messages: [text('1')] });
    const multicast = await client
      .multicast({ to: [user(1), user(2)], messages: [text('m')] })
      .catch((e: unknown) => e);
    expect((multicast as HTTPFetchError).status).toBe(429);
    expect(JSON.parse((multicast as HTTPFetchError).body)).toEqual({ message: 'You have reached your monthly limit.' });
    await client.pushMessage({ to: user(2), messages: [text('2')] });
    const over = await client.pushMessage({ to: user(3), messages: [text('3')] }).catch((e: unknown) => e);
    expect((over as HTTPFetchError).status).toBe(429);
    expect(await client.getMessageQuotaConsumption()).toEqual({ totalUsage: 3 });
  });

  it('starts counting again when the month turns in Japan time', async () => {
    now = Date.parse('2027-06-30T14:59:00Z'); // 23:59 on 30 June in Tokyo
    await client.pushMessage({ to: user(1), messages: [text('june')] });
    expect(await client.getMessageQuotaConsumption()).toEqual({ totalUsage: 1 });
    now = Date.parse('2027-06-30T15:00:00Z'); // 00:00 on 1 July in Tokyo
    expect(await client.getMessageQuotaConsumption()).toEqual({ totalUsage: 0 });
  });

  it('checks multicast receivers as LINE does, and refuses a quota body it cannot read', async () => {
    const bad = await client.multicast({ to: [user(1), 'hanako'], messages: [text('m')] }).catch((e: unknown) => e);
    expect((bad as HTTPFetchError).status).toBe(400);
    expect(JSON.parse((bad as HTTPFetchError).body).details).toEqual([
      { message: 'invalid user id', property: 'to[1]' },
    ]);
    const many = Array.from({ length: 501 }, (_, i) => user(i + 1));
    expect(
      ((await client.multicast({ to: many, messages: [text('m')] }).catch((e: unknown) => e)) as HTTPFetchError).status,
    ).toBe(400);
    expect((await setQuota({ value: -1 })).status).toBe(400);
    expect((await setQuota({ value: 10, totalUsage: 'lots' })).status).toBe(400);
    expect(await client.getMessageQuota()).toEqual({ type: 'none' });
  });
});
