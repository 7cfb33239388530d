/**
 * Serves the LINE stand-in (`npm start` runs it on :3001). Webhooks go to `LINE_WEBHOOK_URL`, signed with
 * `LINE_CHANNEL_SECRET`. LINE Login's channel is
 * `LINE_LOGIN_CHANNEL_ID` / `LINE_LOGIN_CHANNEL_SECRET`. Never used when real LINE credentials point Kizuna at api.line.me.
 */
import { createLineStandin } from './app.js';

const env = process.env;
const port = Number(env.LINE_STANDIN_PORT ?? 3001);
const { app } = createLineStandin({
  channelAccessToken: env.LINE_CHANNEL_ACCESS_TOKEN ?? 'local-line-token',
  channelSecret: env.LINE_CHANNEL_SECRET ?? 'local-line-secret',
  ...(env.LINE_WEBHOOK_URL ? { webhookUrl: env.LINE_WEBHOOK_URL } : {}),
  login: {
    channelId: env.LINE_LOGIN_CHANNEL_ID ?? '1650000000',
    channelSecret: env.LINE_LOGIN_CHANNEL_SECRET ?? 'local-login-secret',
    users: {
      U0000000000000000000000000000a001: '佐藤 花子',
      U0000000000000000000000000000a002: 'Tanaka Ken',
      U0000000000000000000000000000a003: '鈴木 一郎',
    },
  },
});
app.listen(port, '127.0.0.1', () => console.log(`line stand-in: listening on http://127.0.0.1:${port}`));
