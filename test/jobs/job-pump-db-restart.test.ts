import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPg } from '../../adapters/postgres/pg-client.ts';
import { startPgBossQueue } from '../../adapters/postgres/pg-boss-queue.ts';
import type { SqlClient } from '../../adapters/postgres/sql-client.ts';
import type { JobQueue } from '../../src/jobs/job-queue.ts';
import { type Cluster, postgresAvailable, startCluster } from '../support/postgres-cluster.ts';
import { recordedQueueReports } from '../support/queue-reports.ts';
import { until } from '../support/until.ts';

/**
 * Job pumps when a real PostgreSQL server restarts (the faults tests' cluster: pg_ctl stop -m fast,
 * then start on the same port). While it is away a replica's pumps wait for one probe instead of
 * each backing off on its own; once the server answers they look at once. Here a pump's own pace
 * while the database is away is set to an hour, so only that watch can bring it back: the job that
 * another replica sends after the restart (no wake-up reaches this replica) runs all the same.
 */
const missing = postgresAvailable();
if (missing) console.warn(`job pump restart test skipped: ${missing}`);

const QUEUES = ['restart.a', 'restart.b', 'restart.c'];
const AWAY_MS = 4_000;

let cluster: Cluster;
const clients: SqlClient[] = [];
const queues: JobQueue[] = [];
const { reports, events } = recordedQueueReports();
const done: string[] = [];

describe.skipIf(missing)('job pumps across a PostgreSQL restart', () => {
  let worker: JobQueue;
  let sender: JobQueue;
  beforeAll(async () => {
    cluster = await startCluster();
    const open = async () => {
      const sql = await openPg({ url: cluster.url, connectTimeoutMs: 2_000 });
      clients.push(sql);
      return sql;
    };
    worker = await startPgBossQueue({ sql: await open(), reports, awayLookMs: 3_600_000 });
    queues.push(worker);
    for (const name of QUEUES) await worker.work<{ n: string }>(name, async ({ n }) => void done.push(n), { pollingIntervalSeconds: 0.1 });
    // Another replica: its sends wake no pump of `worker`.
    sender = await startPgBossQueue({ sql: await open() });
    queues.push(sender);
  }, 120_000);
  afterAll(async () => {
    for (const queue of queues) await queue.stop({ timeoutMs: 2_000 }).catch(() => undefined);
    for (const sql of clients) await sql.close().catch(() => undefined);
    cluster?.stop();
  });

  it('waits for the database with one probe while it is away, and picks up a job sent elsewhere once it answers', async () => {
    await until('a first poll of every queue', async () => QUEUES.every((q) => events.some((e) => e.what === 'polled' && e.name === q)), 10_000, 20);
    cluster.pause();
    const from = Date.now();
    await until('every pump to find the database away', async () => QUEUES.every((q) => events.some((e) => e.what === 'pollFailed' && e.name === q && e.at >= from)), 20_000, 20);
    await new Promise((resolve) => setTimeout(resolve, AWAY_MS));
    const failedPolls = events.filter((e) => e.what === 'pollFailed' && e.at >= from);
    // Each pump failed once and then waited; the one probe tried the database, at most about once a second.
    for (const q of QUEUES) expect(failedPolls.filter((e) => e.name === q).length, q).toBe(1);
    expect(events.filter((e) => e.what === 'unreachable' && e.at >= from).length).toBeLessThanOrEqual(QUEUES.length + 12);

    cluster.resume();
    await sender.send(QUEUES[1]!, { n: 'after the restart' });
    await until('the job sent by the other replica to run', async () => done.includes('after the restart'), 60_000, 50);
    expect(events.filter((e) => e.what === 'error')).toEqual([]);
  }, 180_000);
});
