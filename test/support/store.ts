import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { inject } from 'vitest';
import { connectStore, type Store } from '../../store/connection.js';

/** Connects to the shared FerretDB with a database of the calling test file's own, indexed as in production. */
export async function connectTestStore(testFile: string): Promise<Store> {
  const name = basename(testFile).replace(/\W+/g, '_').slice(0, 40);
  return connectStore(inject('mongoUri'), {
    dbName: `t_${name}_${randomBytes(3).toString('hex')}`,
    postgresUrl: inject('postgresUrl'),
  });
}
