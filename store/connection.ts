/**
 * The MongoDB connection. Only the composition roots (worker.ts, api/server.ts) and tests call this;
 * everything else receives the connection or the models.
 */
import mongoose, { type Connection } from 'mongoose';
import { createModels, type Models } from './models/index.js';
import { ensurePostgresIndexes } from './postgres-indexes.js';
import { upgradeIndexes } from './index-upgrades.js';
import { bindDocumentLocks, createDocumentLocks } from './document-locks.js';

export type { Models };

export interface Store {
  connection: Connection;
  models: Models;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** The database; by default the one the URI names. */
  dbName?: string;
  /** How long to wait for MongoDB. @default 10000 */
  timeoutMs?: number;
  /**
   * With FerretDB over PostgreSQL: that PostgreSQL's URL, so the store adds the indexes FerretDB's
   * queries can use (see store/postgres-indexes.ts). Unset with MongoDB.
   */
  postgresUrl?: string | undefined;
}

/**
 * Opens a connection (not mongoose's global one, so tests and processes can hold several), builds
 * the models and ensures their indexes. Rejects when MongoDB (or the PostgreSQL of `postgresUrl`)
 * cannot be reached within `timeoutMs`.
 */
export async function connectStore(uri: string, opts: StoreOptions = {}): Promise<Store> {
  const connection = mongoose.createConnection(uri, {
    ...(opts.dbName ? { dbName: opts.dbName } : {}),
    serverSelectionTimeoutMS: opts.timeoutMs ?? 10_000,
    // Index creation is awaited explicitly below, where a failure can be reported.
    autoIndex: false,
  });
  await connection.asPromise();
  const models = createModels(connection);
  await upgradeIndexes(models);
  await Promise.all(Object.values(models).map((model) => model.createIndexes()));
  if (opts.postgresUrl) {
    const all = Object.values(models) as unknown as Parameters<typeof ensurePostgresIndexes>[2];
    await ensurePostgresIndexes(opts.postgresUrl, connection.name, all).catch(async (err: unknown) => {
      await connection.close();
      throw new Error(`the store's PostgreSQL indexes (KIZUNA_POSTGRES_URL): ${String(err)}`);
    });
  }
  // Writers of one document take turns (FerretDB v1 updates are not atomic: see document-locks.ts).
  const locks = createDocumentLocks({ namespace: connection.name, postgresUrl: opts.postgresUrl });
  bindDocumentLocks(models, locks);
  return {
    connection,
    models,
    close: async () => {
      await locks.close();
      await connection.close();
    },
  };
}
