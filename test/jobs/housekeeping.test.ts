import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endSession, newSessionId, sessionPerson, startSession } from '../../src/people/sign-in-sessions.ts';
import { loadConfig } from '../../src/config/load.ts';
import { HISTORY_RETENTION_DAYS, HOUSEKEEPING_SCHEDULE, IDEMPOTENCY_RETENTION_DAYS } from '../../src/jobs/housekeeping.ts';
import { firingKey, scheduleQueue } from '../../src/jobs/scheduler.ts';
import { platform } from '../support/platform.ts';
import type { StoreHandle } from '../../src/platform.ts';
import { type Runtime, startRuntime } from '../../src/service/runtime.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { writeConfig } from '../support/cli.ts';
import { until } from '../support/until.ts';
import { change } from '../support/store-contract.ts';

/** The hourly housekeeping job, fired through a real runtime's job queue as the schedule fires it. */
describe('housekeeping', () => {
  const now = new Date('2026-03-01T10:00:00Z');
  const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);
  let handle: StoreHandle;
  let runtime: Runtime;
  type LogLine = { msg: string; [key: string]: unknown };
  const logged: LogLine[] = [];

  beforeAll(async () => {
    const { config } = await loadConfig({
      files: [writeConfig(['store: { url: "pglite://memory" }', 'log: { level: silent }', 'schedules: { discovery: null }', 'inventory: { hosts: [] }'].join('\n'))],
      env: {},
      cwd: process.cwd(),
    });
    handle = await platform.openStore(config.store.url, { migrate: true });
    // What the jobs log, as parsed lines: the session prune is seen by what it says it removed.
    const destination = new PassThrough();
    destination.on('data', (chunk: Buffer) =>
      chunk
        .toString()
        .split('\n')
        .filter(Boolean)
        .forEach((line) => logged.push(JSON.parse(line) as LogLine)),
    );
    runtime = await startRuntime({ config, platform, log: createLogger({ level: 'info', destination }), handle, workers: true, now: () => now });
  });
  afterAll(async () => {
    await runtime?.stop();
    await handle?.close();
  });

  it(`forgets idempotency keys older than ${IDEMPOTENCY_RETENTION_DAYS} days and keeps younger ones`, async () => {
    const { store, queue } = runtime;
    await store.idempotency.claim('chat:console:old-click', daysAgo(IDEMPOTENCY_RETENTION_DAYS + 1));
    await store.idempotency.claim('chat:console:recent-click', daysAgo(IDEMPOTENCY_RETENTION_DAYS - 1));
    await queue.send(scheduleQueue(HOUSEKEEPING_SCHEDULE.name), { schedule: HOUSEKEEPING_SCHEDULE.name, firedAt: now.toISOString() }, { key: firingKey(HOUSEKEEPING_SCHEDULE.name, now) });
    // The old key is free again once the job ran; the recent one is still claimed.
    await until('the old key to be pruned', () => store.idempotency.claim('chat:console:old-click', daysAgo(IDEMPOTENCY_RETENTION_DAYS + 1)), 30_000);
    expect(await store.idempotency.claim('chat:console:recent-click', now)).toBe(false);
  });

  it('removes console sign-in sessions that ended or expired, and keeps live ones', async () => {
    const { store, queue } = runtime;
    const [ended, expired, live] = [newSessionId(), newSessionId(), newSessionId()];
    await startSession(store.signInSessions, ended, 'bob', daysAgo(0.1), 12 * 3600_000);
    await endSession(store.signInSessions, ended, daysAgo(0.05));
    await startSession(store.signInSessions, expired, 'carol', daysAgo(1), 12 * 3600_000);
    await startSession(store.signInSessions, live, 'dave', daysAgo(0.1), 12 * 3600_000);
    const at = new Date(now.getTime() + 2 * 3600_000);
    await queue.send(scheduleQueue(HOUSEKEEPING_SCHEDULE.name), { schedule: HOUSEKEEPING_SCHEDULE.name, firedAt: at.toISOString() }, { key: firingKey(HOUSEKEEPING_SCHEDULE.name, at) });
    // The job says what it removed: the ended and the expired session, not dave's.
    await until('housekeeping to remove the dead sessions', () => logged.some((line) => line.msg === 'ended and expired console sign-in sessions removed'), 30_000);
    expect(logged.find((line) => line.msg === 'ended and expired console sign-in sessions removed')).toMatchObject({ sessions: 2 });
    expect(await store.signInSessions.prune(now)).toBe(0);
    expect(await sessionPerson(store.signInSessions, live, now)).toBe('dave');
  });

  it(`forgets scan history, installed findings and the patches nothing names any more, older than ${HISTORY_RETENTION_DAYS} days, keeping each host's latest scan, open findings and what changes carry`, async () => {
    const { store, queue } = runtime;
    const old = daysAgo(HISTORY_RETENTION_DAYS + 2);
    const older = daysAgo(HISTORY_RETENTION_DAYS + 1);
    await store.patches.upsert(['P-1', 'P-2', 'P-3'].map((id) => ({ id, title: id.toLowerCase(), severity: 'low' as const, security: false, cves: [], rebootHint: false, firstSeen: old })));
    // P-3 was never missing anywhere, but a change carries it: its card and ticket name it.
    await store.changes.create(change('CHG-1', { patches: ['P-3'], state: 'completed' }));
    await store.scans.start('old-1', 'test', ['h1'], old);
    await store.scans.recordMany([
      {
        result: { scanId: 'old-1', host: 'h1', outcome: 'ok', startedAt: old, finishedAt: old },
        findings: [
          { patchId: 'P-1', state: 'missing' },
          { patchId: 'P-2', state: 'missing' },
        ],
      },
    ]);
    await store.scans.finish('old-1', old);
    await store.scans.start('old-2', 'test', ['h1'], older);
    await store.scans.recordMany([{ result: { scanId: 'old-2', host: 'h1', outcome: 'ok', startedAt: older, finishedAt: older }, findings: [{ patchId: 'P-2', state: 'missing' }] }]);
    await store.scans.finish('old-2', older);
    const later = new Date(now.getTime() + 3600_000);
    await queue.send(
      scheduleQueue(HOUSEKEEPING_SCHEDULE.name),
      { schedule: HOUSEKEEPING_SCHEDULE.name, firedAt: later.toISOString() },
      { key: firingKey(HOUSEKEEPING_SCHEDULE.name, later) },
    );
    await until('the old scans to be pruned', async () => (await store.scans.progress('old-1')) === null && (await store.scans.progress('old-2')) === null, 30_000);
    // h1's latest scan (old-2) still says how fresh h1 is; P-1 (installed by old-2) is gone, P-2 (open) stays.
    expect((await store.scans.latestPerHost()).map((s) => [s.host, s.scanId])).toEqual([['h1', 'old-2']]);
    expect((await store.findings.byHost('h1')).map((f) => [f.patchId, f.state])).toEqual([['P-2', 'missing']]);
    // In the same run, P-1 goes with its last finding; P-2 (open on h1) and P-3 (in a change) stay.
    await until('P-1 to be pruned', async () => (await store.patches.get('P-1')) === null, 30_000);
    expect((await store.patches.list()).map((p) => p.id)).toEqual(['P-2', 'P-3']);
  });
});
