import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import type { PatchbotStore } from '../../src/patchbot-store.ts';
import { syncConfigToStore } from '../../src/service/sync-config.ts';
import { type Cluster, postgresAvailable, startCluster } from '../support/postgres-cluster.ts';
import { platform } from '../support/platform.ts';
import { type ServiceProcess, startPatchbot } from '../support/process.ts';
import { until } from '../support/until.ts';

/**
 * The database restarting under a running service (a minor upgrade, a failover): a real PostgreSQL
 * server stopped for 30 s and started again by the test, under a real `patchbot start` process, so
 * an unhandled rejection would end it as it would in production. The console runs in demo mode
 * (loopback, no other chat surface, no server token): people are named with `as=`.
 */
const OUTAGE_MS = 30_000;
const missing = postgresAvailable();
if (missing) console.warn(`database outage test skipped: ${missing}`);

/**
 * Warnings and errors the outage may write: one per loop that noticed (job queue connection, job
 * polling, schedules, ticket outbox) and one per job that was running (a host scan: its own line and its job's). When every
 * failed poll was logged, the same 30 s wrote 11, 7 of them "job queue error", and more the longer it lasted.
 */
const MAX_OUTAGE_WARNINGS = 8;

let cluster: Cluster;
let service: ServiceProcess;
let dir: string;

const api = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
  const response = await fetch(`${service.url}/api/console${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
};

type LogLine = { level: number; msg: string; since?: string; failedForMs?: number; queues?: string[]; err?: { message: string } };
/** The service's JSON log lines (it logs JSON when its output is not a terminal). */
const logLines = (): LogLine[] =>
  service
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);

/** What a finished scan would have left: DSA-5999-1 missing on localhost, so a change can be proposed. */
const seed = async (store: PatchbotStore) => {
  const at = new Date(Date.now() - 60_000);
  await store.patches.upsert([{ id: 'DSA-5999-1', title: 'openssl security update', severity: 'critical', security: true, cves: [], rebootHint: false, firstSeen: at }], 'scan-seed');
  await store.scans.start('scan-seed', 'test', ['localhost'], at);
  await store.scans.recordHost({ scanId: 'scan-seed', host: 'localhost', outcome: 'ok', startedAt: at, finishedAt: at, rebootRequired: false });
  await store.findings.record('scan-seed', 'localhost', [{ patchId: 'DSA-5999-1', state: 'missing' }], at);
  await store.scans.finish('scan-seed', at);
};

describe.skipIf(missing)('the database goes away for 30 s and comes back', () => {
  beforeAll(async () => {
    cluster = await startCluster();
    dir = mkdtempSync(join(tmpdir(), 'patchbot-outage-'));
    const file = join(dir, 'patchbot.yaml');
    writeFileSync(file, `server:\n  host: 127.0.0.1\n  port: 0\nstore:\n  url: ${cluster.url}\nschedules:\n  discovery: null\nlog:\n  level: info\n`);
    const { config } = await loadConfig({ files: [file], env: {}, cwd: dir });
    const handle = await platform.openStore(cluster.url, { migrate: true });
    try {
      await syncConfigToStore(handle.store, config);
      await seed(handle.store);
    } finally {
      await handle.close();
    }
    service = await startPatchbot(['--config', file]);
  }, 120_000);

  afterAll(async () => {
    if (service?.child.exitCode === null) await service.stop('SIGKILL');
    cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('stays up, says so on /readyz and in chat, refuses the vote it could not count, and resumes by itself', async () => {
    const proposed = await api('POST', '/messages', { channel: 'approvals', as: 'alice', text: '/patch propose DSA-5999-1 to local' });
    expect(proposed.body, JSON.stringify(proposed.body)).toMatchObject({ ok: true, intent: 'propose' });
    const change = proposed.body.data.change as string;
    const cards = (await api('GET', '/channels/approvals/messages?as=bob')).body.messages as Array<{ id: string; card?: { title: string } }>;
    const card = cards.find((m) => m.card?.title.startsWith(`${change}:`))!;
    expect(card).toBeDefined();
    // A scan is under way when the database stops.
    const scan = await api('POST', '/messages', { channel: 'announce', as: 'alice', text: 'scan local' });
    expect(scan.body).toMatchObject({ ok: true, intent: 'scan' });

    cluster.pause();
    const outageStarted = Date.now();
    const ready = await until('/readyz to say the store is away', async () => {
      const response = await fetch(`${service.url}/readyz`);
      return response.status === 503 ? ((await response.json()) as { checks: Record<string, string> }) : null;
    });
    expect(ready.checks.store).toMatch(/store unreachable/);
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);

    // Dave clicks Approve: he is told the database is away; nothing is counted.
    const refused = await api('POST', '/actions', { messageId: card.id, actionId: 'change.approve', as: 'dave' });
    expect(refused.status).toBe(503);
    expect(refused.body.error).toBe('The database is unavailable, try again in a moment.');

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - outageStarted))));
    expect(service.child.exitCode).toBeNull();
    cluster.resume();

    await until('/readyz to be ready again', async () => (await fetch(`${service.url}/readyz`)).status === 200, 30_000);
    // The scan started before the outage finishes on its own, each host recorded once.
    const handle = await platform.openStore(cluster.url, { migrate: false });
    const { store } = handle;
    try {
      const scanId = scan.body.data.scan as string;
      const progress = await until(
        'the interrupted scan to finish',
        async () => {
          const p = await store.scans.progress(scanId);
          return p?.finishedAt ? p : null;
        },
        60_000,
      );
      expect(progress).toBeTruthy();
      expect((await store.scans.results(scanId)).map((r) => r.host)).toEqual(['localhost']);
      expect(await store.votes.list(change)).toEqual([]);

      // The same click now counts, once.
      const counted = await api('POST', '/actions', { messageId: card.id, actionId: 'change.approve', as: 'dave' });
      expect(counted.body, JSON.stringify(counted.body)).toMatchObject({ ok: true });
      expect((await store.votes.list(change)).map((v) => v.person)).toEqual(['dave']);
    } finally {
      await handle.close();
    }
    expect(service.child.exitCode).toBeNull();
    expect(service.output()).not.toMatch(/unhandled|uncaught/i);

    // The log says the database went away once per loop, with the cause, and once that it is back
    // with how long it was away: not a line for every failed poll.
    const warnings = logLines().filter((l) => l.level >= 40);
    const perMessage = new Map<string, number>();
    for (const { msg } of warnings) perMessage.set(msg, (perMessage.get(msg) ?? 0) + 1);
    const counts = [...perMessage].map(([msg, n]) => `${n} × ${msg}`).join('\n');
    expect(
      [...perMessage].filter(([, n]) => n > 2),
      counts,
    ).toEqual([]);
    expect(warnings.length, counts).toBeLessThanOrEqual(MAX_OUTAGE_WARNINGS);
    const away = warnings.find((l) => l.msg === 'job queue database connection failed');
    expect(away, 'no warning that the database went away').toMatchObject({ level: 40, since: expect.any(String), err: { message: expect.any(String) } });
    const recovered = await until('the job queue to say the database answers again', () => logLines().find((l) => l.msg === 'job queue database connection works again'), 10_000);
    expect(recovered).toMatchObject({ level: 30, since: away!.since });
    expect(recovered.failedForMs).toBeGreaterThan(OUTAGE_MS / 2);

    // Every queue this replica works could not be polled, said once for all of them; once the last
    // one is polled again, a line says so (pg-boss's fetch hid the failures: the pumps polled in silence).
    const stalled = warnings.find((l) => l.msg === 'job polling failed');
    expect(stalled, `no warning that the job queues could not be polled:\n${counts}`).toMatchObject({
      level: 40,
      since: expect.any(String),
      queues: [expect.any(String)],
      err: { message: expect.any(String) },
    });
    const resumed = await until('every job queue to be polled again', () => logLines().find((l) => l.msg === 'job polling works again'), 15_000);
    expect(resumed).toMatchObject({ level: 30, since: stalled!.since });
    expect(resumed.failedForMs).toBeGreaterThan(OUTAGE_MS / 2);
    expect(resumed.queues?.sort()).toEqual([
      'rollout.advance',
      'rollout.host',
      'scan.finished',
      'scan.host',
      'schedule.change-expiry',
      'schedule.discovery',
      'schedule.housekeeping',
      'schedule.rollouts',
    ]);
  }, 180_000);
});
