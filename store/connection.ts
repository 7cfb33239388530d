/**
 * The MongoDB connection. Only the composition roots (worker.ts, api/server.ts) and tests call this;
 * everything else receives the connection or the models.
 */
import mongoose, { type Connection } from 'mongoose';
import { createModels, type Models } from './models/index.js';

export type { Models };

export interface Store {
  connection: Connection;
  models: Models;
  close(): Promise<void>;
}

/**
 * Opens a connection (not mongoose's global one, so tests and processes can hold several), builds
 * the models and ensures their indexes. Rejects when MongoDB cannot be reached within `timeoutMs`.
 */
export async function connectStore(uri: string, opts: { dbName?: string; timeoutMs?: number } = {}): Promise<Store> {
  const connection = mongoose.createConnection(uri, {
    ...(opts.dbName ? { dbName: opts.dbName } : {}),
    serverSelectionTimeoutMS: opts.timeoutMs ?? 10_000,
    // Index creation is awaited explicitly below, where a failure can be reported.
    autoIndex: false,
  });
  await connection.asPromise();
  const models = createModels(connection);
  await Promise.all(Object.values(models).map((model) => model.createIndexes()));
  return { connection, models, close: () => connection.close() };
}
