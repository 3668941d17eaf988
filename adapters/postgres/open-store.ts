import type { StorageEngine } from '../../src/patchbot-store.ts';
import { migrate, type MigrationReport } from './migrate.ts';
import { openPg } from './pg-client.ts';
import { openPglite } from './pglite-client.ts';
import { makePrivateDir } from './private-dir.ts';
import type { SqlClient } from './sql-client.ts';
import { sqlStore } from './sql-store.ts';
import { parseStoreUrl } from './store-url.ts';

export interface OpenedStore {
  store: StorageEngine;
  sql: SqlClient;
  migration: MigrationReport | null;
  /** Files and directories of the embedded store that were open to other users and are now private. */
  tightened: string[];
}

export interface OpenStoreOptions {
  /** Apply pending migrations (the service and `db migrate` do; read-only commands may not). */
  migrate?: boolean;
  /** PGlite only: start from a dumped, already-migrated database. */
  template?: Blob;
  cwd?: string;
}

export const openSqlClient = async (url: string, options: OpenStoreOptions = {}): Promise<SqlClient> => {
  const location = parseStoreUrl(url, options.cwd);
  if (location.engine === 'postgres') return openPg({ url: location.url });
  return openPglite({ dataDir: location.dataDir, ...(options.template ? { template: options.template } : {}) });
};

export const openStore = async (url: string, options: OpenStoreOptions = {}): Promise<OpenedStore> => {
  // Before PGlite opens anything: its files must never exist readable by others, not even briefly.
  const location = parseStoreUrl(url, options.cwd);
  const tightened = location.engine === 'pglite' && location.dataDir ? makePrivateDir(location.dataDir) : [];
  const sql = await openSqlClient(url, options);
  try {
    const migration = options.migrate === false ? null : await migrate(sql);
    return { store: sqlStore(sql), sql, migration, tightened };
  } catch (error) {
    await sql.close();
    throw error;
  }
};
