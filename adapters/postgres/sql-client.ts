/**
 * The one SQL code path. Two engines implement it: PGlite (embedded, in a worker thread) and a PostgreSQL
 * server through `pg`. Everything above this interface is engine-agnostic SQL.
 */
export interface SqlClient {
  readonly engine: 'pglite' | 'postgres';
  /** One parameterised statement; rows come back with PostgreSQL's types (timestamptz → Date, jsonb → object). */
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  /** Several statements without parameters (migrations, job-queue DDL). */
  exec(text: string): Promise<void>;
  /**
   * Runs `work` inside one transaction on one connection. Nested calls reuse the outer transaction,
   * so a use case can compose repositories without caring who opened it.
   */
  transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T>;
  /** For libraries that bring their own SQL (the job queue): parameterless text may hold several statements. */
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
  /** An engine that cannot come back by itself (PGlite's worker thread dying) says so here; a server reconnects instead. */
  onLost?(listener: (error: Error) => void): void;
  close(): Promise<void>;
}

/** Several statements return several results; callers of executeSql want the last one that has rows. */
export const lastResultWithRows = (results: Array<{ rows: unknown[]; fields?: unknown[] }>): { rows: unknown[] } => {
  for (let i = results.length - 1; i >= 0; i--) {
    const result = results[i]!;
    if (result.fields && result.fields.length > 0) return { rows: result.rows };
  }
  return { rows: results.at(-1)?.rows ?? [] };
};
