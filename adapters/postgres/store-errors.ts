import { DuplicateKeyError, MissingReferenceError } from '../../src/shared/store-errors.ts';
import type { SqlClient } from './sql-client.ts';

/** PostgreSQL's integrity SQLSTATEs (both engines report them alike), and what they mean to the store. */
const FOREIGN_KEY_VIOLATION = '23503';
const UNIQUE_VIOLATION = '23505';

/** An engine error as our typed store error, when it is one the store's callers may meet; otherwise as it was. */
export const translateStoreError = (error: unknown): unknown => {
  if (!(error instanceof Error)) return error;
  const { code, constraint } = error as Error & { code?: unknown; constraint?: unknown };
  const rule = typeof constraint === 'string' ? constraint : null;
  if (code === FOREIGN_KEY_VIOLATION) return new MissingReferenceError(error.message, rule, error);
  if (code === UNIQUE_VIOLATION) return new DuplicateKeyError(error.message, rule, error);
  return error;
};

const rethrow = (error: unknown): never => {
  throw translateStoreError(error);
};

/**
 * The store's view of a SqlClient: the same statements, with integrity errors translated. Only
 * the repositories see it; the job queue keeps the raw client and PostgreSQL's codes it expects.
 */
export const withStoreErrors = (sql: SqlClient): SqlClient => ({
  engine: sql.engine,
  query: <Row = Record<string, unknown>>(text: string, params?: unknown[]) => sql.query<Row>(text, params).catch(rethrow),
  exec: (text: string) => sql.exec(text).catch(rethrow),
  transaction: <T>(work: (tx: SqlClient) => Promise<T>) => sql.transaction((tx) => work(withStoreErrors(tx))).catch(rethrow),
  executeSql: (text: string, values?: unknown[]) => sql.executeSql(text, values).catch(rethrow),
  close: () => sql.close(),
});
