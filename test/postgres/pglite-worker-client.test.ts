import { readFileSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { dumpPglite, openPglite } from '../../adapters/postgres/pglite-client.ts';
import { PgliteWorkerClient } from '../../adapters/postgres/pglite-worker-client.ts';
import type { SqlClient } from '../../adapters/postgres/sql-client.ts';

/** The run's migrated template (test/global-setup.ts): loading it is much faster than initdb. */
const openFromTemplate = () => PgliteWorkerClient.open({ dataDir: null, template: new Blob([readFileSync(inject('pgliteTemplate'))]) });

/** Whether a promise has settled yet, without waiting for it. */
const watch = <T>(promise: Promise<T>) => {
  const state = { settled: false, promise };
  promise.then(
    () => (state.settled = true),
    () => (state.settled = true),
  );
  return state;
};

const count = async (sql: SqlClient, table: string) => Number((await sql.query<{ n: number }>(`select count(*)::int as n from ${table}`))[0]!.n);

describe('PGlite in a worker thread', () => {
  let client: PgliteWorkerClient;
  beforeAll(async () => {
    client = await openFromTemplate();
    await client.exec(`
      create table worker_items (id int primary key, name text unique, at timestamptz, doc jsonb, tags text[], big bigint, amount numeric, bytes bytea);
    `);
  });
  afterAll(async () => {
    await client?.close();
  });

  it('makes root queries wait while a transaction holds the session, then see what it committed', async () => {
    let outside!: ReturnType<typeof watch<number>>;
    await client.transaction(async (tx) => {
      await tx.query(`insert into worker_items (id, name) values (1, 'one')`);
      outside = watch(count(client, 'worker_items'));
      // Several round trips to the worker, each sent after the root query and answered in order:
      // the root query has had every chance to run, and must not.
      for (let i = 0; i < 5; i++) expect(await count(tx, 'worker_items')).toBe(1);
      expect(outside.settled).toBe(false);
    });
    expect(await outside.promise).toBe(1);
  });

  it('reuses the outer transaction for nested calls', async () => {
    await client.transaction(async (tx) => {
      await tx.transaction(async (inner) => {
        expect(inner).toBe(tx);
        await inner.query(`insert into worker_items (id, name) values (2, 'two')`);
      });
      expect(await count(tx, 'worker_items')).toBe(2);
    });
    expect(await count(client, 'worker_items')).toBe(2);
  });

  it('rolls back when the work throws, rethrowing the original error', async () => {
    const original = new Error('the use case changed its mind');
    const attempt = client.transaction(async (tx) => {
      await tx.query(`insert into worker_items (id, name) values (3, 'three')`);
      await tx.transaction(async () => {
        throw original;
      });
    });
    await expect(attempt).rejects.toBe(original);
    expect(await count(client, 'worker_items')).toBe(2);
    // The session is free again: the next transaction commits.
    await client.transaction((tx) => tx.query(`insert into worker_items (id, name) values (3, 'three')`));
    expect(await count(client, 'worker_items')).toBe(3);
  });

  it("keeps PostgreSQL's error fields, with this thread's stack", async () => {
    const error = await client.query(`insert into worker_items (id, name) values (4, 'one')`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      code: '23505',
      constraint: 'worker_items_name_key',
      table: 'worker_items',
      schema: 'public',
      severity: 'ERROR',
      detail: 'Key (name)=(one) already exists.',
      message: expect.stringContaining('duplicate key value violates unique constraint'),
    });
    expect((error as Error).stack).toContain('pglite-worker-client.test.ts');

    const raised = await client.exec(`do $$ begin raise exception 'try again' using errcode = '40001', hint = 'retry the transaction'; end $$`).catch((e: unknown) => e);
    expect(raised).toMatchObject({ code: '40001', message: 'try again', hint: 'retry the transaction', where: expect.stringContaining('PL/pgSQL') });

    const syntax = await client.query('select * fromm worker_items').catch((e: unknown) => e);
    expect(syntax).toMatchObject({ code: '42601', position: expect.any(String) });
  });

  it('fails a transaction with the error of the statement that failed in it', async () => {
    const attempt = client.transaction(async (tx) => {
      await tx.query(`insert into worker_items (id, name) values (5, 'five')`);
      await tx.query(`insert into worker_items (id, name) values (1, 'again')`);
    });
    await expect(attempt).rejects.toMatchObject({ code: '23505', constraint: 'worker_items_pkey' });
    expect(await count(client, 'worker_items')).toBe(3);
  });

  it('carries dates, jsonb, arrays, bigint, numeric and bytea both ways', async () => {
    const at = new Date('2024-03-04T05:06:07.089Z');
    const doc = { window: 'weeknights', waves: [{ hosts: ['web-01'], percent: 10 }], nothing: null };
    await client.query('insert into worker_items (id, at, doc, tags, big, amount, bytes) values ($1, $2, $3, $4, $5, $6, $7)', [
      10,
      at,
      doc,
      ['web', 'prod'],
      9007199254740993n,
      '12.50',
      Buffer.from([0, 1, 254, 255]),
    ]);
    const [row] = await client.query<Record<string, unknown>>('select at, doc, tags, big, amount, bytes from worker_items where id = $1', [10]);
    expect(row!.at).toBeInstanceOf(Date);
    expect(row).toEqual({ at, doc, tags: ['web', 'prod'], big: 9007199254740993n, amount: '12.50', bytes: new Uint8Array([0, 1, 254, 255]) });
  });

  it('answers executeSql with the last result that has rows', async () => {
    expect(await client.executeSql('select 1 as a; select 2 as b; create temp table worker_scratch (x int)')).toEqual({ rows: [{ b: 2 }] });
    expect(await client.executeSql('select $1::int + 1 as n', [41])).toEqual({ rows: [{ n: 42 }] });
  });

  it('keeps the main thread responsive while a long statement runs', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    try {
      const query = client.query('select pg_sleep(0.5)');
      const startTicks = ticks;
      await query;
      // Half a second of 10 ms ticks is ~50; a blocked event loop would see none. Three allows for
      // a heavily loaded machine without letting a blocking implementation pass.
      expect(ticks - startTicks).toBeGreaterThanOrEqual(3);
    } finally {
      clearInterval(timer);
    }
  });
});

describe('PGlite worker lifecycle', () => {
  it('starts from a template and dumps a copy others can start from', async () => {
    const first = await openFromTemplate();
    await first.exec(`create table templated (name text); insert into templated values ('from the first')`);
    const dump = await dumpPglite(first);
    expect(dump).toBeInstanceOf(Blob);
    await first.close();

    const second = await openPglite({ dataDir: null, template: dump });
    try {
      expect(await second.query('select name from templated')).toEqual([{ name: 'from the first' }]);
    } finally {
      await second.close();
    }
  });

  it('rejects calls after close with a clear error, and closes twice without complaint', async () => {
    const closing = await openFromTemplate();
    await closing.close();
    await closing.close();
    await expect(closing.query('select 1')).rejects.toThrow('The PGlite store is closed');
    await expect(closing.transaction(async () => undefined)).rejects.toThrow('The PGlite store is closed');
  });

  it('rejects pending and later calls when the worker dies', async () => {
    const doomed = await openFromTemplate();
    const pending = doomed.query('select pg_sleep(5)');
    await (doomed.link as unknown as { worker: Worker }).worker.terminate();
    await expect(pending).rejects.toThrow(/PGlite worker exited unexpectedly/);
    await expect(doomed.query('select 1')).rejects.toThrow(/PGlite worker exited unexpectedly/);
    await doomed.close();
  });

  it('tells its onLost listeners once when the worker dies while open, and not on close', async () => {
    const doomed = await openFromTemplate();
    const lost: string[] = [];
    doomed.onLost((error) => lost.push(error.message));
    await (doomed.link as unknown as { worker: Worker }).worker.terminate();
    await expect(doomed.query('select 1')).rejects.toThrow(/PGlite worker exited unexpectedly/);
    expect(lost).toEqual([expect.stringMatching(/PGlite worker exited unexpectedly/)]);
    await doomed.close();
    expect(lost).toHaveLength(1);

    const closed = await openFromTemplate();
    const told: string[] = [];
    closed.onLost((error) => told.push(error.message));
    await closed.close();
    expect(told).toEqual([]);
  });

  it('reports a database it cannot open', async () => {
    await expect(PgliteWorkerClient.open({ dataDir: null, template: new Blob(['not a tar file']) })).rejects.toThrow(/Could not open PGlite/);
  });
});
