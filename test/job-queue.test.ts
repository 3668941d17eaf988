import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type OpenedStore } from '../adapters/postgres/open-store.ts';
import { startPgBossQueue } from '../adapters/postgres/pg-boss-queue.ts';
import type { JobQueue } from '../src/jobs/job-queue.ts';
import { type ScheduleFiring, scheduleQueue, startSchedules } from '../src/jobs/scheduler.ts';
import { availableEngines, freshPostgresUrl, openFresh } from './support/engines.ts';
import { until as untilQueried } from './support/until.ts';

const until = async (check: () => boolean, timeoutMs = 20_000) => {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
};

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe.each(availableEngines())('job queue on %s', (engine) => {
  it('runs a sent job once and drops a second send with the same key', async () => {
    const opened = await openFresh(engine);
    const queue = await startPgBossQueue({ sql: opened.sql });
    cleanups.push(async () => { await queue.stop({ timeoutMs: 2000 }); await opened.store.close(); });

    const seen: string[] = [];
    await queue.work<{ host: string }>('scan.host', async (data) => { seen.push(data.host); }, { pollingIntervalSeconds: 0.5 });
    const first = await queue.send('scan.host', { host: 'web-01' }, { key: 'scan-1:web-01' });
    const again = await queue.send('scan.host', { host: 'web-01' }, { key: 'scan-1:web-01' });
    await queue.send('scan.host', { host: 'web-02' });
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(again).toBeNull();
    await until(() => seen.length >= 2);
    await new Promise((r) => setTimeout(r, 1500));
    expect(seen.sort()).toEqual(['web-01', 'web-02']);
  });

  it('sends many jobs at once, deduplicating keys against earlier sends', async () => {
    const opened = await openFresh(engine);
    const queue = await startPgBossQueue({ sql: opened.sql });
    cleanups.push(async () => { await queue.stop({ timeoutMs: 2000 }); await opened.store.close(); });
    const seen: number[] = [];
    await queue.work<{ n: number }>('bulk', async ({ n }) => { seen.push(n); }, { concurrency: 5, pollingIntervalSeconds: 0.5 });
    await queue.send('bulk', { n: 0 }, { key: 'k0' });
    await queue.sendMany('bulk', Array.from({ length: 600 }, (_, n) => ({ data: { n }, options: { key: `k${n}` } })));
    await until(() => seen.length >= 600);
    await new Promise((r) => setTimeout(r, 1000));
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 600 }, (_, n) => n));
  });

  it('keeps at most `concurrency` jobs in flight and runs them all', async () => {
    const opened = await openFresh(engine);
    const queue = await startPgBossQueue({ sql: opened.sql });
    cleanups.push(async () => { await queue.stop({ timeoutMs: 2000 }); await opened.store.close(); });
    let inFlight = 0;
    let peak = 0;
    const done: number[] = [];
    await queue.work<{ n: number }>('host.run', async ({ n }) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 200));
      inFlight--;
      done.push(n);
    }, { concurrency: 3, pollingIntervalSeconds: 0.5 });
    for (let n = 0; n < 9; n++) await queue.send('host.run', { n });
    await until(() => done.length === 9);
    expect(peak).toBe(3);
    expect(done.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('completes jobs that finish together, and retries only the one among them that failed', async () => {
    const opened = await openFresh(engine);
    const queue = await startPgBossQueue({ sql: opened.sql });
    cleanups.push(async () => { await queue.stop({ timeoutMs: 2000 }); await opened.store.close(); });
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const runs = new Map<number, number>();
    await queue.work<{ n: number }>('together', async ({ n }) => {
      runs.set(n, (runs.get(n) ?? 0) + 1);
      await gate;
      if (n === 3 && runs.get(3) === 1) throw new Error('the first try of 3 fails');
    }, { concurrency: 10, pollingIntervalSeconds: 0.5 });
    await queue.sendMany('together', Array.from({ length: 10 }, (_, n) => ({ data: { n }, options: { retryLimit: 1, retryDelaySeconds: 0 } })));
    await until(() => runs.size === 10);
    open();
    const states = () => opened.sql.query<{ state: string; jobs: number }>("select state, count(*)::int as jobs from pgboss.job where name = 'together' group by state");
    // Each probe awaits its query: a failing query fails the test here, not as an unhandled rejection.
    await untilQueried('the ten jobs completed', async () => {
      const rows = await states();
      return rows.length === 1 && rows[0]!.state === 'completed' && rows[0]!.jobs === 10;
    }, 20_000);
    expect([...runs.entries()].sort(([a], [b]) => a - b).map(([, count]) => count)).toEqual([1, 1, 1, 2, 1, 1, 1, 1, 1, 1]);
  });

  it('retries a failing job and keeps its data', async () => {
    const opened = await openFresh(engine);
    const queue = await startPgBossQueue({ sql: opened.sql });
    cleanups.push(async () => { await queue.stop({ timeoutMs: 2000 }); await opened.store.close(); });
    let attempts = 0;
    await queue.work<{ n: number }>('flaky', async (data) => {
      attempts++;
      expect(data.n).toBe(7);
      if (attempts < 2) throw new Error('ITSM unreachable');
    }, { pollingIntervalSeconds: 0.5 });
    await queue.send('flaky', { n: 7 }, { retryLimit: 3, retryDelaySeconds: 0 });
    await until(() => attempts >= 2);
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
      await queue.work<ScheduleFiring>(scheduleQueue('tick'), async (firing) => { runs.push({ replica, firing }); }, { pollingIntervalSeconds: 0.5 });
      // Six-field cron: every second, so a few firings happen within the test.
      const stopTimers = startSchedules([{ name: 'tick', cron: '* * * * * *' }], queue, (e) => { throw e; });
      replicas.push({ opened, queue, stopTimers });
    }
    cleanups.push(async () => {
      for (const r of replicas) { await r.stopTimers(); await r.queue.stop({ timeoutMs: 2000 }); await r.opened.store.close(); }
    });
    await until(() => runs.length >= 4);
    for (const r of replicas) await r.stopTimers();
    await new Promise((r) => setTimeout(r, 1500));
    const firings = runs.map((r) => r.firing.firedAt);
    expect(new Set(firings).size).toBe(firings.length);
    expect(firings.length).toBeGreaterThanOrEqual(4);
  });
});
