/** Serves the LINE stand-in (`npm start` runs it on :3001). */
import { createLineStandin } from './app.js';

const port = Number(process.env.LINE_STANDIN_PORT ?? 3001);
const { app } = createLineStandin({ channelAccessToken: process.env.LINE_CHANNEL_ACCESS_TOKEN ?? 'local-line-token' });
app.listen(port, '127.0.0.1', () => console.log(`line stand-in: listening on http://127.0.0.1:${port}`));
