/** The API's composition root: reads the environment, opens connections, listens. */
import { Connection } from '@temporalio/client';
import { connectStore } from '../store/connection.js';
import { createApp } from './app.js';

async function main() {
  const env = process.env;
  const port = Number(env.PORT ?? 3000);
  const store = await connectStore(env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/kizuna');
  const temporal = await Connection.connect({
    address: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    ...(env.TEMPORAL_API_KEY ? { apiKey: env.TEMPORAL_API_KEY, tls: true } : {}),
  });
  const app = createApp({
    readiness: {
      mongodb: async () => {
        await store.connection.db?.admin().ping();
      },
      temporal: async () => {
        await temporal.healthService.check({});
      },
    },
  });
  const server = app.listen(port, () => console.log(`kizuna api: listening on http://127.0.0.1:${port}`));
  const shutdown = () => {
    server.close(() => {
      void Promise.all([temporal.close(), store.close()]).then(() => process.exit(0));
    });
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  console.error('kizuna api: failed to start:', err);
  process.exit(1);
});
