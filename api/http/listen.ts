/** Where the API listens: read once from the environment by api/server.ts, logged as it is bound. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Logger } from 'pino';

/** The interface and port the API binds. */
export interface ListenSettings {
  /** @default '127.0.0.1' (this machine only; a proxy or `KIZUNA_API_HOST=0.0.0.0` opens it wider) */
  host: string;
  /** @default 3000 */
  port: number;
}

/** Reads `KIZUNA_API_HOST` and `PORT`. Throws on a port that is not an integer in 0–65535. */
export function listenSettingsFromEnv(env: NodeJS.ProcessEnv): ListenSettings {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`PORT must be an integer from 0 to 65535; got "${env.PORT}"`);
  }
  return { host: env.KIZUNA_API_HOST || '127.0.0.1', port };
}

/** Binds `app` to exactly `settings.host` and logs the address the socket really has. */
export function listenOn(app: Express, settings: ListenSettings, logger: Logger): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(settings.port, settings.host, (err?: Error) => {
      if (err) {
        reject(err);
        return;
      }
      const { address, port } = server.address() as AddressInfo;
      const host = address.includes(':') ? `[${address}]` : address;
      logger.info({ host: address, port }, `kizuna api: listening on http://${host}:${port}`);
      resolve(server);
    });
  });
}
