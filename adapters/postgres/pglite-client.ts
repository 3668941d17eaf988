import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { SqlClient } from './sql-client.ts';
import { lastResultWithRows } from './sql-client.ts';

type Queryable = Pick<Transaction, 'query' | 'exec'>;

/**
 * PGlite is single-session: it serialises every query and holds a mutex for a whole transaction,
 * so concurrent callers queue instead of interleaving. That gives the same isolation a server's
 * row locks give, at the cost of parallelism — fine for the embedded default.
 */
class PgliteClient implements SqlClient {
  readonly engine = 'pglite' as const;
  constructor(
    private readonly db: PGlite,
    private readonly target: Queryable,
    private readonly inTransaction: boolean,
  ) {}

  async query<Row>(text: string, params: unknown[] = []): Promise<Row[]> {
    const result = await this.target.query<Row>(text, params);
    return result.rows;
  }

  async exec(text: string): Promise<void> {
    await this.target.exec(text);
  }

  async transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
    if (this.inTransaction) return work(this);
    return this.db.transaction((tx) => work(new PgliteClient(this.db, tx, true)));
  }

  async executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> {
    if (values && values.length > 0) return { rows: (await this.target.query(text, values)).rows };
    return lastResultWithRows(await this.target.exec(text));
  }

  async close(): Promise<void> {
    if (!this.inTransaction && !this.db.closed) await this.db.close();
  }
}

export interface PgliteOptions {
  /** A data directory, or null for an in-memory database. */
  dataDir: string | null;
  /** A dumped, already-migrated database to start from (tests: initialise once, copy per file). */
  template?: Blob;
}

export const openPglite = async ({ dataDir, template }: PgliteOptions): Promise<SqlClient> => {
  const db = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(template ? { loadDataDir: template } : {}),
  });
  return new PgliteClient(db, db, false);
};

/** Dumps an open PGlite database so others can start from it (see PgliteOptions.template). */
export const dumpPglite = async (client: SqlClient): Promise<Blob> => {
  if (!(client instanceof PgliteClient)) throw new Error('dumpPglite needs a PGlite client');
  return (client as unknown as { db: PGlite }).db.dumpDataDir('none');
};
