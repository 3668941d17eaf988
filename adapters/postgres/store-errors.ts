import { DuplicateKeyError, MissingReferenceError, StoreUnavailableError } from '../../src/shared/store-errors.ts';
import type { SqlClient } from './sql-client.ts';

/** PostgreSQL's integrity SQLSTATEs (both engines report them alike), and what they mean to the store. */
const FOREIGN_KEY_VIOLATION = '23503';
const UNIQUE_VIOLATION = '23505';

/** Socket errors Node reports when the server is gone or going. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** SQLSTATEs of a server shutting down or starting up: admin_shutdown, crash_shutdown, cannot_connect_now. */
const SERVER_GOING = new Set(['57P01', '57P02', '57P03']);
/** node-postgres says these in words only, without a code. */
const LOST_CONNECTION = /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect|Connection ended/i;

/**
 * The database is away rather than the statement wrong: worth trying again later. Class 08 is
 * PostgreSQL's "connection exception".
 */
export const isConnectionLoss = (error: unknown): boolean => {
  if (!(error instanceof Error)) return false;
  if (error instanceof AggregateError) return error.errors.some(isConnectionLoss);
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_GOING.has(code) || code.startsWith('08'))) return true;
  return LOST_CONNECTION.test(error.message);
};

/** An engine error as our typed store error, when it is one the store's callers may meet; otherwise as it was. */
export const translateStoreError = (error: unknown): unknown => {
  if (!(error instanceof Error)) return error;
  const { code, constraint } = error as Error & { code?: unknown; constraint?: unknown };
  const rule = typeof constraint === 'string' ? constraint : null;
  if (code === FOREIGN_KEY_VIOLATION) return new MissingReferenceError(error.message, rule, error);
  if (code === UNIQUE_VIOLATION) return new DuplicateKeyError(error.message, rule, error);
  if (error instanceof StoreUnavailableError) return error;
  if (isConnectionLoss(error)) return new StoreUnavailableError(error.message || String(code), error);
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
