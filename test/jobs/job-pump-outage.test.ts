import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPgBossQueue } from '../../adapters/postgres/pg-boss-queue.ts';
import type { SqlClient } from '../../adapters/postgres/sql-client.ts';
import type { JobQueue } from '../../src/jobs/job-queue.ts';
import { type FreshStore, openFresh } from '../support/engines.ts';
import { recordedQueueReports } from '../support/queue-reports.ts';
import { until } from '../support/until.ts';

/**
 * A job pump while the database is away. pg-boss's fetch swallows its statement's error and answers
 * "no jobs", so the pumps used to poll a database that was away at their full rate and never said
 * so. Here the real queue (pg-boss on PGlite) runs over a connection the test can take away, as a
 * stopped server would (ECONNREFUSED); the faults tests stop a real PostgreSQL server.
 */
const QUEUE = 'outage.pump';
const AWAY_MS = 3_000;
const POLL_SECONDS = 0.1;

let opened: FreshStore;
let queue: JobQueue;
let away = false;
const { reports, events } = recordedQueueReports();
const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
/** The store's connection, refusing every statement while `away`. */
const switchable = (sql: SqlClient): SqlClient => ({
  engine: sql.engine,
  query: (text, params) => (away ? Promise.reject(refused()) : sql.query(text, params)),
  exec: (text) => (away ? Promise.reject(refused()) : sql.exec(text)),
  transaction: (work) => (away ? Promise.reject(refused()) : sql.transaction(work)),
  executeSql: (text, values) => (away ? Promise.reject(refused()) : sql.executeSql(text, values)),
  close: () => sql.close(),
});

const done: string[] = [];
beforeAll(async () => {
  opened = await openFresh('pglite');
  queue = await startPgBossQueue({ sql: switchable(opened.sql), reports });
  await queue.work<{ n: string }>(QUEUE, async ({ n }) => void done.push(n), { pollingIntervalSeconds: POLL_SECONDS });
}, 60_000);
afterAll(async () => {
  away = false;
  await queue?.stop({ timeoutMs: 2_000 });
  await opened?.store.close();
});

it('says that its polls fail, backs off while the database is away, and polls and works again once it is back', async () => {
  await until('a first poll', async () => events.some((e) => e.what === 'polled' && e.name === QUEUE), 10_000, 20);
  away = true;
  const from = Date.now();
  await new Promise((resolve) => setTimeout(resolve, AWAY_MS));
  const failed = events.filter((e) => e.what === 'pollFailed' && e.at >= from);
  // Said for its queue, on every failed poll (the caller's failureLog makes one line of them).
  expect(failed.length, 'no failed poll was reported').toBeGreaterThan(0);
  expect(new Set(failed.map((e) => e.name))).toEqual(new Set([QUEUE]));
  // At its 100 ms interval it would have polled ~30 times; doubling from 100 ms it polls about 5 times.
  // (A slow machine polls less often, never more.)
  expect(failed.length).toBeLessThanOrEqual(10);
  // The database away is the queue's one condition, not an error per poll.
  expect(events.filter((e) => e.what === 'error')).toEqual([]);

  away = false;
  const back = Date.now();
  await queue.send(QUEUE, { n: 'after' });
  await until('the job sent after the outage to run', async () => done.includes('after'), 20_000, 50);
  expect(events.some((e) => e.what === 'polled' && e.name === QUEUE && e.at >= back)).toBe(true);
}, 60_000);
