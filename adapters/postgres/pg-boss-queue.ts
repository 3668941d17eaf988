import { createHash } from 'node:crypto';
import PgBoss from 'pg-boss';
import type { JobHandler, JobQueue, QueueReports, SendOptions } from '../../src/jobs/job-queue.ts';
import { databaseWatch, type DatabaseWatch } from './database-watch.ts';
import { AWAY_LOOK_MS, JobPump, reportTrouble } from './job-pump.ts';
import { isConnectionLoss } from './store-errors.ts';
import type { SqlClient } from './sql-client.ts';

/**
 * pg-boss (v10, the last line that runs on Node 20) over our own SqlClient: it brings its SQL, we
 * bring the connection, so PGlite and a PostgreSQL server share one code path.
 */

/** A stable UUID from an idempotency key (name-based, v5 layout): the same key is the same job id. */
export const keyToUuid = (key: string): string => {
  const b = createHash('sha1').update(`patchbot:${key}`).digest();
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

/**
 * unique_violation, duplicate_table, duplicate_object: another replica created it first;
 * deadlock_detected: two replicas locked the same catalog rows in opposite orders.
 */
const CREATED_ELSEWHERE = new Set(['23505', '42P07', '42710', '40P01']);

/**
 * Replicas starting together may both find pg-boss's schema (or a queue) missing and both create
 * it; the loser fails on a duplicate catalog entry or a deadlock. By then it exists, so trying
 * again finds it made.
 */
const racingReplicas = async (work: () => Promise<unknown>): Promise<void> => {
  for (let attempt = 1; ; attempt++) {
    try {
      await work();
      return;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt >= 5 || !code || !CREATED_ELSEWHERE.has(code)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt + Math.random() * 100));
    }
  }
};

/** Our SendOptions in pg-boss's words; the key becomes a stable job id, so a repeat is dropped. */
const jobOptions = (name: string, options: SendOptions) => ({
  ...(options.key ? { id: keyToUuid(`${name}:${options.key}`) } : {}),
  ...(options.startAfter ? { startAfter: options.startAfter } : {}),
  ...(options.retryLimit !== undefined ? { retryLimit: options.retryLimit } : {}),
  ...(options.retryDelaySeconds !== undefined ? { retryDelay: options.retryDelaySeconds } : {}),
  ...(options.retryBackoff !== undefined ? { retryBackoff: options.retryBackoff } : {}),
  ...(options.expireInSeconds !== undefined ? { expireInSeconds: options.expireInSeconds } : {}),
});

/**
 * Runs one of the queue's statements and says whether the database answered. Every statement
 * pg-boss sends passes here, which matters: its fetch swallows errors (an empty result while the
 * database is away), so neither a poll's result nor its errors would tell.
 */
export const watched = async <T>(reports: QueueReports, statement: () => Promise<T>, watch?: DatabaseWatch): Promise<T> => {
  try {
    const result = await statement();
    reports.reachable();
    watch?.answered();
    return result;
  } catch (error) {
    if (isConnectionLoss(error)) reports.unreachable(error as Error);
    throw error;
  }
};

/** Tests that only send and work jobs need not hear about trouble. */
const UNHEARD: QueueReports = { unreachable: () => {}, reachable: () => {}, pollFailed: () => {}, polled: () => {}, error: () => {} };

export interface PgBossQueueOptions {
  sql: SqlClient;
  /** Where the queue says that the database is away or back, and what else went wrong (a job, upkeep). */
  reports?: QueueReports;
  /** How often this replica runs pg-boss's maintenance (expiry, archiving). */
  maintenanceIntervalSeconds?: number;
  /** How often a pump looks on its own while the database is away (AWAY_LOOK_MS); the watch wakes it when the database answers. */
  awayLookMs?: number;
}

export const startPgBossQueue = async ({ sql, reports = UNHEARD, maintenanceIntervalSeconds = 60, awayLookMs = AWAY_LOOK_MS }: PgBossQueueOptions): Promise<JobQueue> => {
  // The probe goes through `db` as well: its failures are the queue's one "unreachable" condition.
  const watch = databaseWatch(() => db.executeSql('select 1', []));
  const db: PgBoss.Db = { executeSql: (text: string, values?: unknown[]) => watched(reports, () => sql.executeSql(text, values), watch) };
  const boss = new PgBoss({
    db,
    schema: 'pgboss',
    maintenanceIntervalSeconds,
    // pg-boss's own cron (its timekeeper) is unused: node-cron fires our schedules (src/jobs/scheduler.ts).
    // Its worker and monitors would only poll, and while the database is away fail every few seconds.
    schedule: false,
  });
  // Maintenance (expiry, archiving) failing while the database is away was said by `watched`.
  boss.on('error', (error: Error) => reportTrouble(reports, error));
  await racingReplicas(() => boss.start());

  const known = new Set<string>();
  const pumps = new Map<string, JobPump>();
  const ensureQueue = async (name: string) => {
    if (known.has(name)) return;
    // createQueue is idempotent, but replicas creating the same queue's partition at once can
    // deadlock or collide in PostgreSQL's catalog: the loser retries and finds it made.
    await racingReplicas(() => boss.createQueue(name));
    known.add(name);
  };

  return {
    ensureQueue,
    async work(name, handler, { concurrency = 1, pollingIntervalSeconds = 1 } = {}) {
      await ensureQueue(name);
      const pump = new JobPump(boss, db, name, handler as JobHandler<unknown>, concurrency, pollingIntervalSeconds * 1000, reports, { watch, lookMs: awayLookMs });
      pumps.set(name, pump);
      pump.start();
    },
    async send(name, data, options: SendOptions = {}) {
      await ensureQueue(name);
      const id = await boss.send(name, data, jobOptions(name, options));
      if (!options.startAfter) pumps.get(name)?.wake();
      return id;
    },
    async sendMany(name, jobs) {
      await ensureQueue(name);
      // pg-boss inserts a JSON recordset in one statement; chunks keep each statement modest.
      for (let i = 0; i < jobs.length; i += 500) {
        await boss.insert(jobs.slice(i, i + 500).map(({ data, options = {} }) => ({ name, data, ...jobOptions(name, options) })));
        pumps.get(name)?.wake();
      }
    },
    async stop({ graceful = true, timeoutMs = 30_000 } = {}) {
      watch.stop();
      await Promise.all([...pumps.values()].map((pump) => pump.stop(graceful ? timeoutMs : 0)));
      await boss.stop({ graceful, timeout: timeoutMs, wait: true, close: false });
    },
  };
};
