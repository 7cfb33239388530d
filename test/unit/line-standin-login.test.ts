import { createHash, createHmac } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLineStandin } from '../../line-standin/app.js';

const CHANNEL = { channelId: '1650000001', channelSecret: 'login-secret' };
const REDIRECT = 'http://127.0.0.1:9/line/login/callback';
const USER = 'U0123456789abcdef0123456789abcdef';
const verifier = 'v'.repeat(50);
const challenge = createHash('sha256').update(verifier).digest('base64url');
const received: { signature: string | undefined; body: string }[] = [];
let receiver: Server;
let now = 1_800_000_000_000;
let standin: ReturnType<typeof createLineStandin>;

const authorize = {
  response_type: 'code',
  client_id: CHANNEL.channelId,
  redirect_uri: REDIRECT,
  state: 'st-1',
  scope: 'profile openid',
  nonce: 'n-1',
  bot_prompt: 'aggressive',
  code_challenge: challenge,
  code_challenge_method: 'S256',
};
const consent = (extra: Record<string, string>) =>
  request(standin.app)
    .post('/oauth2/v2.1/authorize')
    .type('form')
    .send({ ...authorize, user_id: USER, ...extra });
const codeOf = (location: string) => new URL(location).searchParams.get('code')!;
const token = (code: string, extra: Record<string, string> = {}) =>
  request(standin.app)
    .post('/oauth2/v2.1/token')
    .type('form')
    .send({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      client_id: CHANNEL.channelId,
      client_secret: CHANNEL.channelSecret,
      code_verifier: verifier,
      ...extra,
    });

beforeAll(async () => {
  const app = express();
  app.post('/hook', express.text({ type: () => true }), (req, res) => {
    received.push({ signature: req.get('x-line-signature'), body: req.body as string });
    res.json({});
  });
  receiver = app.listen(0, '127.0.0.1');
  await new Promise((ok) => receiver.once('listening', ok));
  standin = createLineStandin({
    channelAccessToken: 't',
    channelSecret: 'bot-secret',
    webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
    login: { ...CHANNEL, users: { [USER]: 'Hanako' } },
    clock: () => now,
  });
});
afterAll(() => new Promise((ok) => receiver.close(ok)));

describe('stand-in LINE Login', () => {
  it('shows a consent page offering the users and the add-friend box', async () => {
    const res = await request(standin.app).get('/oauth2/v2.1/authorize').query(authorize);
    expect(res.status).toBe(200);
    expect(res.text).toContain(USER);
    expect(res.text).toContain('name="add_friend"');
  });

  it('refuses an unknown channel or redirect URI with a page, without redirecting', async () => {
    const bad = await request(standin.app)
      .get('/oauth2/v2.1/authorize')
      .query({ ...authorize, client_id: '999' });
    expect(bad.status).toBe(400);
    expect(bad.headers.location).toBeUndefined();
  });

  it('adds the friend, sends the signed follow webhook, and returns a code with friendship_status_changed', async () => {
    const res = await consent({ decision: 'allow', add_friend: 'true' });
    expect(res.status).toBe(302);
    const back = new URL(res.headers.location as string);
    expect(back.searchParams.get('state')).toBe('st-1');
    expect(back.searchParams.get('friendship_status_changed')).toBe('true');
    expect(received).toHaveLength(1);
    const hook = received[0]!;
    expect(hook.signature).toBe(createHmac('sha256', 'bot-secret').update(hook.body).digest('base64'));
    expect(JSON.parse(hook.body).events[0]).toMatchObject({ type: 'follow', source: { userId: USER } });

    const tokens = await token(codeOf(res.headers.location as string));
    expect(tokens.status).toBe(200);
    expect(tokens.body).toMatchObject({ token_type: 'Bearer', scope: 'profile openid' });
    const verified = await request(standin.app)
      .post('/oauth2/v2.1/verify')
      .type('form')
      .send({ id_token: tokens.body.id_token, client_id: CHANNEL.channelId, nonce: 'n-1' });
    expect(verified.body).toMatchObject({
      iss: 'https://access.line.me',
      sub: USER,
      aud: CHANNEL.channelId,
      nonce: 'n-1',
    });
    const bearer = `Bearer ${tokens.body.access_token}`;
    const status = await request(standin.app).get('/friendship/v1/status').set('authorization', bearer);
    expect(status.body).toEqual({ friendFlag: true });
    const profile = await request(standin.app).get('/v2/profile').set('authorization', bearer);
    expect(profile.body).toMatchObject({ userId: USER, displayName: 'Hanako' });
  });

  it('does not follow again a user who is already a friend', async () => {
    const before = received.length;
    const res = await consent({ decision: 'allow', add_friend: 'true' });
    expect(new URL(res.headers.location as string).searchParams.get('friendship_status_changed')).toBe('false');
    expect(received).toHaveLength(before);
  });

  it('sends access_denied back when the user cancels', async () => {
    const res = await consent({ decision: 'cancel' });
    const back = new URL(res.headers.location as string);
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe('st-1');
    expect(back.searchParams.get('code')).toBeNull();
  });

  it('accepts a code once, with the right PKCE verifier, within 10 minutes', async () => {
    const first = codeOf((await consent({ decision: 'allow' })).headers.location as string);
    expect((await token(first)).status).toBe(200);
    const replay = await token(first);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');

    const second = codeOf((await consent({ decision: 'allow' })).headers.location as string);
    expect((await token(second, { code_verifier: 'w'.repeat(50) })).body.error).toBe('invalid_grant');

    const third = codeOf((await consent({ decision: 'allow' })).headers.location as string);
    now += 11 * 60 * 1000;
    const late = await token(third);
    expect(late.body).toEqual({ error: 'invalid_grant', error_description: 'authorization code expired' });
  });

  it('refuses a tampered ID token, another audience and a wrong nonce at verify', async () => {
    const code = codeOf((await consent({ decision: 'allow' })).headers.location as string);
    const idToken = (await token(code)).body.id_token as string;
    const [h, p, s] = idToken.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'Uother' })).toString('base64url')}.${s}`;
    const verify = (body: Record<string, string>) =>
      request(standin.app).post('/oauth2/v2.1/verify').type('form').send(body);
    expect((await verify({ id_token: forged, client_id: CHANNEL.channelId })).body).toEqual({
      error: 'invalid_request',
      error_description: 'Invalid IdToken.',
    });
    expect((await verify({ id_token: idToken, client_id: '42' })).body.error_description).toBe(
      'Invalid IdToken Audience.',
    );
    const wrongNonce = await verify({ id_token: idToken, client_id: CHANNEL.channelId, nonce: 'other' });
    expect(wrongNonce.body.error_description).toBe('Invalid IdToken Nonce.');
  });

  it('refuses a missing or unknown access token at friendship status', async () => {
    const res = await request(standin.app).get('/friendship/v1/status').set('authorization', 'Bearer nope');
    expect(res.status).toBe(401);
  });
});
