/**
 * Serves the LINE stand-in (`npm start` runs it on :3001). Webhooks go to `LINE_WEBHOOK_URL`, signed with
 * `LINE_CHANNEL_SECRET`. Never used when real LINE credentials point Kizuna at api.line.me.
 */
import { createLineStandin } from './app.js';

const env = process.env;
const port = Number(env.LINE_STANDIN_PORT ?? 3001);
const { app } = createLineStandin({
  channelAccessToken: env.LINE_CHANNEL_ACCESS_TOKEN ?? 'local-line-token',
  channelSecret: env.LINE_CHANNEL_SECRET ?? 'local-line-secret',
  ...(env.LINE_WEBHOOK_URL ? { webhookUrl: env.LINE_WEBHOOK_URL } : {}),
});
app.listen(port, '127.0.0.1', () => console.log(`line stand-in: listening on http://127.0.0.1:${port}`));
