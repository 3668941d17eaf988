import { PatchbotError } from '../../src/shared/errors.ts';
import { isConnectionLoss } from './store-errors.ts';
import type { StorageEngine } from '../../src/patchbot-store.ts';
import { migrate, type MigrationReport } from './migrate.ts';
import { openPg } from './pg-client.ts';
import { openPglite } from './pglite-client.ts';
import { makePrivateDir } from './private-dir.ts';
import type { SqlClient } from './sql-client.ts';
import { sqlStore } from './sql-store.ts';
import { parseStoreUrl } from './store-url.ts';

/** Where, without the password: enough to see a wrong host or port at a glance. */
const redacted = (url: string): string => {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
};

/** PostgreSQL's words for a wrong name or password, and for a database that does not exist. */
const AUTH_FAILED = new Set(['28P01', '28000']);
const NO_DATABASE = '3D000';

/**
 * A store that cannot be opened at startup, in one line a person can act on: which setting, what
 * failed, what to try. The driver's message is kept as the cause for the debug log.
 */
const unreachableStore = (url: string, error: unknown): unknown => {
  if (!(error instanceof Error)) return error;
  const code = (error as { code?: unknown }).code;
  const where = `store.url (${redacted(url)})`;
  const reason = error instanceof AggregateError ? error.errors.map((e: Error) => e.message).join('; ') : error.message;
  if (AUTH_FAILED.has(code as string))
    return Object.assign(
      new PatchbotError('store-unreachable', `Cannot open the store at ${where}: ${reason}.`, 'Check the user name and password in store.url (or PATCHBOT_STORE_URL / DATABASE_URL).'),
      { cause: error },
    );
  if (code === NO_DATABASE)
    return Object.assign(new PatchbotError('store-unreachable', `Cannot open the store at ${where}: ${reason}.`, 'Create the database (createdb), or name an existing one in store.url.'), {
      cause: error,
    });
  if (isConnectionLoss(error))
    return Object.assign(
      new PatchbotError(
        'store-unreachable',
        `Cannot reach the store at ${where}: ${reason || String(code)}.`,
        'Is PostgreSQL running there, and are the host and port right? Check store.url (or PATCHBOT_STORE_URL / DATABASE_URL); `patchbot config check --connect` tries it.',
      ),
      { cause: error },
    );
  return error;
};

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
  if (location.engine === 'postgres') {
    try {
      return await openPg({ url: location.url });
    } catch (error) {
      throw unreachableStore(location.url, error);
    }
  }
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
