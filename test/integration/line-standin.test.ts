import type { Server } from 'node:http';
import { messagingApi } from '@line/bot-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLineStandin } from '../../line-standin/app.js';
import { freePort } from '../../scripts/servers.js';

describe('LINE stand-in, driven by @line/bot-sdk', () => {
  const standin = createLineStandin({ channelAccessToken: 'test-token' });
  let server: Server;
  let baseURL: string;
  const client = (token = 'test-token') => new messagingApi.MessagingApiClient({ channelAccessToken: token, baseURL });

  beforeAll(async () => {
    const port = await freePort();
    baseURL = `http://127.0.0.1:${port}`;
    await new Promise<void>((ok, fail) => {
      server = standin.app.listen(port, '127.0.0.1', (err) => (err ? fail(err) : ok()));
    });
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

  it('records an accepted push with its messages', async () => {
    const res = await client().pushMessage({ to: 'U-hanako', messages: [{ type: 'text', text: 'こんにちは' }] });
    expect(res.sentMessages).toHaveLength(1);
    expect(standin.pushes.at(-1)).toMatchObject({ to: 'U-hanako', messages: [{ type: 'text', text: 'こんにちは' }] });
  });

  it('accepts a retry key once; the retry gets 409 with the accepted request id and is not recorded', async () => {
    const key = '123e4567-e89b-42d3-a456-426614174000';
    const before = standin.pushes.length;
    await client().pushMessage({ to: 'U-taro', messages: [{ type: 'text', text: '1' }] }, key);
    const retry = await client()
      .pushMessage({ to: 'U-taro', messages: [{ type: 'text', text: '1' }] }, key)
      .catch((err: unknown) => err);
    expect(retry).toMatchObject({ status: 409 });
    expect(standin.pushes.length).toBe(before + 1);
  });

  it('rejects a wrong token with 401 and more than 5 messages with 400', async () => {
    await expect(
      client('wrong').pushMessage({ to: 'U-1', messages: [{ type: 'text', text: 'x' }] }),
    ).rejects.toMatchObject({ status: 401 });
    const six = Array.from({ length: 6 }, () => ({ type: 'text' as const, text: 'x' }));
    await expect(client().pushMessage({ to: 'U-1', messages: six })).rejects.toMatchObject({ status: 400 });
  });
});
