import pg from 'pg';
import type { SqlClient } from './sql-client.ts';
import { lastResultWithRows } from './sql-client.ts';

type Queryable = Pick<pg.PoolClient, 'query'>;

const asResults = (result: pg.QueryResult | pg.QueryResult[]) => (Array.isArray(result) ? result : [result]);

class PgClient implements SqlClient {
  readonly engine = 'postgres' as const;
  constructor(
    private readonly pool: pg.Pool,
    private readonly target: Queryable,
    private readonly inTransaction: boolean,
  ) {}

  async query<Row>(text: string, params: unknown[] = []): Promise<Row[]> {
    const result = await this.target.query(text, params);
    return result.rows as Row[];
  }

  async exec(text: string): Promise<void> {
    await this.target.query(text);
  }

  async transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
    if (this.inTransaction) return work(this);
    const connection = await this.pool.connect();
    try {
      await connection.query('BEGIN');
      const result = await work(new PgClient(this.pool, connection, true));
      await connection.query('COMMIT');
      return result;
    } catch (error) {
      await connection.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      connection.release();
    }
  }

  async executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> {
    const result = values && values.length > 0 ? await this.target.query(text, values) : await this.target.query(text);
    return lastResultWithRows(asResults(result as pg.QueryResult | pg.QueryResult[]));
  }

  async close(): Promise<void> {
    if (!this.inTransaction) await this.pool.end();
  }
}

export interface PgOptions {
  url: string;
  maxConnections?: number;
  /** Every remote call has a timeout (DESIGN §8). */
  statementTimeoutMs?: number;
  connectTimeoutMs?: number;
}

export const openPg = async ({ url, maxConnections = 10, statementTimeoutMs = 60_000, connectTimeoutMs = 10_000 }: PgOptions): Promise<SqlClient> => {
  const pool = new pg.Pool({
    connectionString: url,
    max: maxConnections,
    statement_timeout: statementTimeoutMs,
    connectionTimeoutMillis: connectTimeoutMs,
  });
  // An idle client losing its server must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const client = new PgClient(pool, pool, false);
  await client.query('select 1');
  return client;
};
