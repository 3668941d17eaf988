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

export const openPglite = ({ dataDir, template }: PgliteOptions): Promise<SqlClient> => PgliteWorkerClient.open({ dataDir, ...(template ? { template } : {}) });

/** Dumps an open PGlite database so others can start from it (see PgliteOptions.template). */
export const dumpPglite = async (client: SqlClient): Promise<Blob> => {
  if (!(client instanceof PgliteWorkerClient)) throw new Error('dumpPglite needs a PGlite client');
  return client.dump();
};
