// The PGlite worker thread: it owns the embedded database so that statements run off the main
// thread (see pglite-worker-client.ts for the main side and the message protocol).
//
// Plain JavaScript on purpose: worker threads do not inherit the TypeScript loader of tsx (the
// `patchbot` command registers it with module.register, which Node 20 does not pass to workers) or
// of vitest, so a .ts entry would not load in production or in tests.
import { PGlite } from '@electric-sql/pglite';
import { Blob } from 'node:buffer';
import { parentPort, workerData } from 'node:worker_threads';
import { keepFilesPrivate, startParams } from './pglite-engine.mjs';

/** Thrown inside db.transaction to make PGlite roll back; not an error anyone sees. */
const ROLLED_BACK = Symbol('rolled back');

const { dataDir, template } = workerData;

if (dataDir) keepFilesPrivate();
const db = await PGlite.create({
  ...(dataDir ? { dataDir } : {}),
  ...(template ? { loadDataDir: template } : {}),
  startParams: startParams(PGlite),
});

/** Open transactions by id. PGlite's own mutex holds the database for each until it ends. */
const transactions = new Map();
let nextTransaction = 1;

const begin = async () => {
  let decide;
  const decision = new Promise((resolve) => (decide = resolve));
  let opened;
  const begun = new Promise((resolve) => (opened = resolve));
  const ended = db.transaction(async (tx) => {
    opened(tx);
    if ((await decision) === 'rollback') throw ROLLED_BACK;
  });
  // BEGIN failing rejects `ended` before the callback ever runs.
  const tx = await Promise.race([begun, ended.then(() => new Promise(() => undefined))]);
  const id = nextTransaction++;
  transactions.set(id, { tx, decide, ended });
  return id;
};

const end = async (id, how) => {
  const open = transactions.get(id);
  if (!open) {
    if (how === 'rollback') return;
    throw new Error('Transaction is closed');
  }
  transactions.delete(id);
  open.decide(how);
  try {
    await open.ended;
  } catch (error) {
    if (error !== ROLLED_BACK) throw error;
  }
};

/** Statements of an open transaction go to it; the rest wait for PGlite's mutex. */
const target = (id) => {
  if (id == null) return db;
  const open = transactions.get(id);
  if (!open) throw new Error('Transaction is closed');
  return open.tx;
};

const handlers = {
  query: async ({ text, params, tx }) => (await target(tx).query(text, params)).rows,
  exec: async ({ text, tx }) => {
    await target(tx).exec(text);
  },
  // Every result's rows and fields: the main side picks the one callers want (lastResultWithRows).
  executeSql: async ({ text, values, tx }) => {
    if (values && values.length > 0) return [await target(tx).query(text, values)].map(({ rows, fields }) => ({ rows, fields }));
    return (await target(tx).exec(text)).map(({ rows, fields }) => ({ rows, fields }));
  },
  begin,
  commit: ({ tx }) => end(tx, 'commit'),
  rollback: ({ tx }) => end(tx, 'rollback'),
  // A File does not cross threads; a Blob of it does, without copying.
  dump: async () => new Blob([await db.dumpDataDir('none')]),
  // A transaction its caller abandoned would keep PGlite's mutex, and close would wait forever.
  close: async () => {
    await Promise.all([...transactions.keys()].map((id) => end(id, 'rollback').catch(() => undefined)));
    if (!db.closed) await db.close();
  },
};

/**
 * Own properties of PostgreSQL errors (code, detail, constraint, …) are what callers branch on;
 * functions (PGlite's queryOptions may hold serializers) cannot be cloned.
 */
const describeError = (error) => {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields = {};
  for (const [key, value] of Object.entries(error)) {
    if (key !== 'name' && key !== 'queryOptions' && value !== undefined && typeof value !== 'function') fields[key] = value;
  }
  return { name: error.name, message: error.message, stack: error.stack, fields };
};

const reply = (message) => {
  try {
    parentPort.postMessage(message);
  } catch (cloneError) {
    // Rows and PostgreSQL errors always clone; should anything else not, only this call fails.
    const error = describeError(cloneError);
    parentPort.postMessage({ id: message.id, ok: false, error: { ...error, message: `PGlite worker could not send its answer: ${error.message}` } });
  }
};

parentPort.on('message', async (message) => {
  const handler = handlers[message.op];
  try {
    if (!handler) throw new Error(`unknown PGlite worker operation: ${message.op}`);
    reply({ id: message.id, ok: true, value: await handler(message) });
  } catch (error) {
    reply({ id: message.id, ok: false, error: describeError(error) });
  }
});

// Id 0 is the main side waiting for the database to open.
parentPort.postMessage({ id: 0, ok: true });
