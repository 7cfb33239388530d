/**
 * A TCP proxy in front of a real server (FerretDB) whose link tests can cut: `sever()` resets every
 * open connection and refuses new ones until `restore()`, as a network partition or a restarting
 * database does. Nothing is faked: the client sees the errors its driver really produces.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import mongoose from 'mongoose';
import { freePort } from '../../scripts/servers.js';
import type { Store } from '../../store/connection.js';
import { createModels } from '../../store/models/index.js';

export interface TcpProxy {
  port: number;
  sever(): void;
  restore(): void;
  close(): Promise<void>;
}

/** Starts a proxy on a free port forwarding to `target`. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  let severed = false;
  const server = net.createServer((client) => {
    if (severed) return client.resetAndDestroy();
    const upstream = net.connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const port = await freePort();
  await new Promise<void>((ok) => server.listen(port, '127.0.0.1', ok));
  return {
    port,
    sever() {
      severed = true;
      for (const socket of open) socket.resetAndDestroy();
    },
    restore() {
      severed = false;
    },
    close: () =>
      new Promise<void>((ok) => {
        for (const socket of open) socket.destroy();
        server.close(() => ok());
      }),
  };
}

/**
 * A store of its own database reached through `proxy` (the shared FerretDB at `mongoUri` behind it),
 * with command monitoring on so a test can act right after a given command. Server selection gives up
 * after a second, so a severed link fails operations soon.
 */
export async function connectThroughProxy(proxy: TcpProxy, mongoUri: string, name: string): Promise<Store> {
  const uri = new URL(mongoUri);
  uri.host = `127.0.0.1:${proxy.port}`;
  const connection = mongoose.createConnection(uri.toString(), {
    dbName: `t_${name}_${randomBytes(3).toString('hex')}`,
    serverSelectionTimeoutMS: 1000,
    autoIndex: false,
    monitorCommands: true,
  });
  await connection.asPromise();
  const models = createModels(connection);
  await Promise.all(Object.values(models).map((model) => model.createIndexes()));
  return { connection, models, close: () => connection.close() };
}
