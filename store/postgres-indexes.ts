/**
 * Indexes FerretDB's PostgreSQL tables can use. FerretDB v1 pushes an equality filter down to
 * PostgreSQL as `_jsonb -> 'field' @> value` (containment, so that an array field matches one of its
 * elements), but the indexes it creates itself are btree indexes on `_jsonb -> 'field'`, which
 * PostgreSQL cannot use for `@>`: every filtered query reads the whole table. A GIN index on the same
 * expression serves `@>`, so for every field a model indexes, the store adds one beside FerretDB's.
 * `fastupdate` is off: with it on, new rows wait in a pending list that every query reads in full
 * until a vacuum, so a burst of inserts would slow every lookup after it.
 *
 * Only for FerretDB over PostgreSQL, and only when the store is given that PostgreSQL's URL
 * (`KIZUNA_POSTGRES_URL`); MongoDB uses the models' own indexes.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Model } from 'mongoose';

/** FerretDB's table that maps a MongoDB database's collections to PostgreSQL tables. */
const METADATA_TABLE = '_ferretdb_database_metadata';

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** The top-level fields a model's indexes name (and `_id`): nested paths are not pushed down by FerretDB v1. */
export function indexedFields(model: Model<never>): string[] {
  const fields = new Set(['_id']);
  for (const [keys] of model.schema.indexes()) {
    for (const field of Object.keys(keys)) if (!field.includes('.')) fields.add(field);
  }
  return [...fields];
}

/** PostgreSQL names stop at 63 bytes: long ones end in a hash of the whole name. */
function indexName(table: string, field: string): string {
  const name = `kizuna_${table}_${field}_gin`;
  if (Buffer.byteLength(name) <= 63) return name;
  return `kizuna_${createHash('sha256').update(name).digest('hex').slice(0, 40)}_gin`;
}

/**
 * Creates the GIN indexes of every model's indexed fields on FerretDB's tables of database `dbName`,
 * once (existing ones are kept). A PostgreSQL advisory lock keeps a worker and an API starting
 * together from building the same index twice. Throws when PostgreSQL cannot be reached or the
 * database is not FerretDB's (no metadata table): the caller passed a wrong `KIZUNA_POSTGRES_URL`.
 */
export async function ensurePostgresIndexes(
  postgresUrl: string,
  dbName: string,
  models: Array<Model<never>>,
): Promise<number> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ collection: string; table: string }>(
      `SELECT _jsonb->>'_id' AS collection, _jsonb->>'table' AS table FROM ${quote(dbName)}.${METADATA_TABLE}`,
    );
    const tables = new Map(rows.map((row) => [row.collection, row.table]));
    const statements = models.flatMap((model) => {
      const table = tables.get(model.collection.collectionName);
      if (!table) return [];
      return indexedFields(model).map(
        (field) =>
          `CREATE INDEX IF NOT EXISTS ${quote(indexName(table, field))} ON ${quote(dbName)}.${quote(table)} ` +
          `USING gin ((_jsonb -> ${literal(field)}) jsonb_path_ops) WITH (fastupdate = off)`,
      );
    });
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`kizuna-indexes:${dbName}`]);
    for (const statement of statements) await client.query(statement);
    return statements.length;
  } finally {
    await client.end();
  }
}
