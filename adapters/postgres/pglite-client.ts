import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT } from '../../src/shared/package-root.ts';
import { PgliteWorkerClient } from './pglite-worker-client.ts';
import type { SqlClient } from './sql-client.ts';

/**
 * The embedded engine. PGlite runs in a worker thread (pglite-worker-client.ts): in process, each
 * statement blocked the event loop, so SSH, chat acknowledgements and timers waited on SQL.
 */

export interface PgliteOptions {
  /** A data directory, or null for an in-memory database. */
  dataDir: string | null;
  /** A dumped, already-migrated database to start from (tests: initialise once, copy per file). */
  template?: Blob;
}

/** A new database's files, made by `npm run build` (scripts/build.mjs); absent in a checkout never built. */
export const PREPARED_DATA_DIR = join(PACKAGE_ROOT, 'dist', 'pglite-datadir.tar.gz');

/**
 * Creates the database in a fresh data directory in a child process (pglite-prepare.mjs says why:
 * the memory PGlite's initdb takes is never given back), from the build's prepared files when
 * there are some, so a first start costs no initdb either.
 */
const prepareDataDir = async (dataDir: string): Promise<void> => {
  const script = fileURLToPath(new URL('./pglite-prepare.mjs', import.meta.url));
  const child = spawn(process.execPath, [script, dataDir, PREPARED_DATA_DIR], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => child.once('error', reject).once('exit', resolve));
  if (code !== 0) throw new Error(`Could not create the PGlite database in ${dataDir}: ${stderr.trim() || `the preparing process exited ${code}`}`);
};

export const openPglite = async ({ dataDir, template }: PgliteOptions): Promise<SqlClient> => {
  if (dataDir && !template && !existsSync(join(dataDir, 'PG_VERSION'))) await prepareDataDir(dataDir);
  return PgliteWorkerClient.open({ dataDir, ...(template ? { template } : {}) });
};

/** Dumps an open PGlite database so others can start from it (see PgliteOptions.template). */
export const dumpPglite = async (client: SqlClient): Promise<Blob> => {
  if (!(client instanceof PgliteWorkerClient)) throw new Error('dumpPglite needs a PGlite client');
  return client.dump();
};
