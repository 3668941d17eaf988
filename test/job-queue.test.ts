import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type OpenedStore } from '../adapters/postgres/open-store.ts';
import { startPgBossQueue } from '../adapters/postgres/pg-boss-queue.ts';
import type { JobQueue } from '../src/jobs/job-queue.ts';
import { type ScheduleFiring, scheduleQueue, startSchedules } from '../src/jobs/scheduler.ts';
import { availableEngines, freshPostgresUrl, openFresh } from './support/engines.ts';
import { until } from './support/until.ts';

type Sql = OpenedStore['sql'];
/** Jobs of one queue by state, as pg-boss records them. */
const jobStates = async (sql: Sql, name: string): Promise<Record<string, number>> =>
  Object.fromEntries(
    (await sql.query<{ state: string; jobs: number }>('select state, count(*)::int as jobs from pgboss.job where name = $1 group by state', [name])).map((r) => [r.state, r.jobs]),
  );
/**
 * Every job of the queue is done (completed, or failed for good) and there are `count` of them:
 * the state that proves no handler runs again, so what the handlers saw is final.
 */
const drained = (sql: Sql, name: string, count: number) =>
  until(
    `${count} ${name} jobs to be done`,
    async () => {
      const states = await jobStates(sql, name);
      const total = Object.values(states).reduce((a, b) => a + b, 0);
      return total === count && total === (states.completed ?? 0) + (states.failed ?? 0) && states;
    },
    60_000,
  );

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe.each(availableEngines())('job queue on %s', (engine) => {
  it('runs a sent job once and drops a second send with the same key', async () => {
    const opened = await openFresh(engine);
    const queue = await startPgBossQueue({ sql: opened.sql });
    cleanups.push(async () => {
      await queue.stop({ timeoutMs: 2000 });
      await opened.store.close();
    });

    const seen: string[] = [];
    await queue.work<{ host: string }>(
      'scan.host',
      async (data) => {
        seen.push(data.host);
      },
      { pollingIntervalSeconds: 0.5 },
    );
    const first = await queue.send('scan.host', { host: 'web-01' }, { key: 'scan-1:web-01' });
    const again = await queue.send('scan.host', { host: 'web-01' }, { key: 'scan-1:web-01' });
    await queue.send('scan.host', { host: 'web-02' });
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(again).toBeNull();
    // Two jobs, both done: the duplicate never became a job, and a done job is not run again.
    await drained(opened.sql, 'scan.host', 2);
    expect(seen.sort()).toEqual(['web-01', 'web-02']);
  });

  it('sends many jobs at once, deduplicating keys against earlier sends', async () => {
    const opened = await openFresh(engine);
    const queue = await startPgBossQueue({ sql: opened.sql });
    cleanups.push(async () => {
      await queue.stop({ timeoutMs: 2000 });
      await opened.store.close();
    });
    const seen: number[] = [];
    await queue.work<{ n: number }>(
      'bulk',
      async ({ n }) => {
        seen.push(n);
      },
      { concurrency: 5, pollingIntervalSeconds: 0.5 },
    );
    await queue.send('bulk', { n: 0 }, { key: 'k0' });
    await queue.sendMany(
      'bulk',
      Array.from({ length: 600 }, (_, n) => ({ data: { n }, options: { key: `k${n}` } })),
    );
    await drained(opened.sql, 'bulk', 600);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 600 }, (_, n) => n));
  });

  it('keeps at most `concurrency` jobs in flight and runs them all', async () => {
    const opened = await openFresh(engine);
    const queue = await startPgBossQueue({ sql: opened.sql });
    cleanups.push(async () => {
      await queue.stop({ timeoutMs: 2000 });
      await opened.store.close();
    });
    let inFlight = 0;
    let peak = 0;
    const done: number[] = [];
    // Jobs hold until all nine are queued: on a slow machine the first ones could otherwise finish
    // before the later ones are sent, and never three would overlap.
    let allSent!: () => void;
    const queued = new Promise<void>((resolve) => (allSent = resolve));
    await queue.work<{ n: number }>(
      'host.run',
      async ({ n }) => {
        peak = Math.max(peak, ++inFlight);
        await queued;
        await new Promise((r) => setTimeout(r, 200));
        inFlight--;
        done.push(n);
      },
      { concurrency: 3, pollingIntervalSeconds: 0.5 },
    );
    for (let n = 0; n < 9; n++) await queue.send('host.run', { n });
    allSent();
    await until('9 jobs to be done', async () => done.length === 9);
    expect(peak).toBe(3);
    expect(done.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('completes jobs that finish together, and retries only the one among them that failed', async () => {
    const opened = await openFresh(engine);
    const queue = await startPgBossQueue({ sql: opened.sql });
    cleanups.push(async () => {
      await queue.stop({ timeoutMs: 2000 });
      await opened.store.close();
    });
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const runs = new Map<number, number>();
    await queue.work<{ n: number }>(
      'together',
      async ({ n }) => {
        runs.set(n, (runs.get(n) ?? 0) + 1);
        await gate;
        if (n === 3 && runs.get(3) === 1) throw new Error('the first try of 3 fails');
      },
      { concurrency: 10, pollingIntervalSeconds: 0.5 },
    );
    await queue.sendMany(
      'together',
      Array.from({ length: 10 }, (_, n) => ({ data: { n }, options: { retryLimit: 1, retryDelaySeconds: 0 } })),
    );
    await until('all 10 to be running', async () => runs.size === 10);
    open();
    await until('all 10 to be completed', async () => (await jobStates(opened.sql, 'together')).completed === 10);
    expect(await jobStates(opened.sql, 'together')).toEqual({ completed: 10 });
    expect([...runs.entries()].sort(([a], [b]) => a - b).map(([, count]) => count)).toEqual([1, 1, 1, 2, 1, 1, 1, 1, 1, 1]);
  });

  it('retries a failing job and keeps its data', async () => {
    const opened = await openFresh(engine);
    const queue = await startPgBossQueue({ sql: opened.sql });
    cleanups.push(async () => {
      await queue.stop({ timeoutMs: 2000 });
      await opened.store.close();
    });
    let attempts = 0;
    await queue.work<{ n: number }>(
      'flaky',
      async (data) => {
        attempts++;
        expect(data.n).toBe(7);
        if (attempts < 2) throw new Error('ITSM unreachable');
      },
      { pollingIntervalSeconds: 0.5 },
    );
    await queue.send('flaky', { n: 7 }, { retryLimit: 3, retryDelaySeconds: 0 });
    await drained(opened.sql, 'flaky', 1);
    expect(await jobStates(opened.sql, 'flaky')).toEqual({ completed: 1 });
    expect(attempts).toBe(2);
  });
});

describe.runIf(availableEngines().includes('postgres'))('schedules across replicas', () => {
  it('fires each cron firing once even with two replicas on one PostgreSQL', async () => {
    const url = await freshPostgresUrl();
    const replicas: Array<{ opened: OpenedStore; queue: JobQueue; stopTimers: () => Promise<void> }> = [];
    const runs: Array<{ replica: number; firing: ScheduleFiring }> = [];
    for (const replica of [0, 1]) {
      const opened = await openStore(url);
      const queue = await startPgBossQueue({ sql: opened.sql });
      await queue.work<ScheduleFiring>(
        scheduleQueue('tick'),
        async (firing) => {
          runs.push({ replica, firing });
        },
        { pollingIntervalSeconds: 0.5 },
      );
      // Six-field cron: every second, so a few firings happen within the test.
      const stopTimers = startSchedules([{ name: 'tick', cron: '* * * * * *' }], queue, (e) => {
        throw e;
      });
      replicas.push({ opened, queue, stopTimers });
    }
    cleanups.push(async () => {
      for (const r of replicas) {
        await r.stopTimers();
        await r.queue.stop({ timeoutMs: 2000 });
        await r.opened.store.close();
      }
    });
    await until('4 firings to run', async () => runs.length >= 4);
    for (const r of replicas) await r.stopTimers();
    // No timer fires any more: once every firing sent is done, no handler runs again.
    const sql = replicas[0]!.opened.sql;
    const sent = Object.values(await jobStates(sql, scheduleQueue('tick'))).reduce((a, b) => a + b, 0);
    await drained(sql, scheduleQueue('tick'), sent);
    const firings = runs.map((r) => r.firing.firedAt);
    expect(firings).toHaveLength(sent);
    expect(new Set(firings).size).toBe(firings.length);
    expect(firings.length).toBeGreaterThanOrEqual(4);
  });
});
