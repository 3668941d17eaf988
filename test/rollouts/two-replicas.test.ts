import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../adapters/postgres/open-store.ts';
import { writeConfig } from '../support/cli.ts';
import { availableEngines, freshPostgresUrl } from '../support/engines.ts';
import { runPatchbot, type ServiceProcess, startPatchbot } from '../support/process.ts';
import { until } from '../support/until.ts';

/**
 * Two service replicas on one PostgreSQL share one rollout: whichever takes a job, every host of
 * the change runs exactly once and the change completes once.
 */
const running: ServiceProcess[] = [];
afterEach(async () => {
  while (running.length) {
    const service = running.pop()!;
    if (service.child.exitCode === null) await service.stop('SIGKILL');
  }
});

const HOSTS = Array.from({ length: 8 }, (_, i) => `node-${String(i + 1).padStart(2, '0')}`);

describe.runIf(availableEngines().includes('postgres'))('a rollout across two replicas', () => {
  it('runs each host once and completes once', async () => {
    const url = await freshPostgresUrl();
    const file = writeConfig(
      [
        `server: { port: 0 }`,
        `store: { url: "${url}" }`,
        'log: { level: warn }',
        'schedules: { discovery: null }',
        // The sweep is what finds the change below: every 5 s here (30 s by default).
        'execution: { rolloutSweep: 5s }',
        'inventory:',
        '  hosts:',
        ...HOSTS.map((name) => `    - { name: ${name}, address: 127.0.0.1, os: debian, connection: local }`),
        '  groups:',
        `    - { name: canary, members: [${HOSTS[0]}] }`,
        `    - { name: fleet, members: [${HOSTS.slice(1).join(', ')}] }`,
        'rollout:',
        '  pilot: { group: canary, soak: 0s }',
        '  defaults: { concurrency: 3, soak: 0s }',
      ].join('\n'),
    );
    expect((await runPatchbot(['db', 'migrate', '--config', file])).code).toBe(0);
    // Every host misses one (made-up) package update: seeded as a scan would record it.
    const { store, sql } = await openStore(url, { migrate: false });
    const at = new Date();
    await store.hosts.sync(HOSTS.map((name) => ({ name, address: '127.0.0.1', port: 22, user: 'root', os: 'debian' as const, groups: [], tags: {}, connection: 'local' as const })));
    await store.scans.start('scan-seed', 'test', HOSTS, at);
    await store.patches.upsert([{ id: 'deb:libfoo1@2.0-1', title: 'libfoo1 2.0-1', severity: 'important', security: true, cves: [], rebootHint: false, firstSeen: at }], 'scan-seed');
    for (const host of HOSTS) await store.findings.record('scan-seed', host, [{ patchId: 'deb:libfoo1@2.0-1', state: 'missing' }], at);
    for (const host of HOSTS) await store.scans.recordHost({ scanId: 'scan-seed', host, outcome: 'ok', startedAt: at, finishedAt: at });

    const replicas = await Promise.all([startPatchbot(['--config', file]), startPatchbot(['--config', file])]);
    running.push(...replicas);
    const proposed = await runPatchbot(['change', 'propose', 'deb:libfoo1@2.0-1', 'to', 'canary', 'fleet', 'at', 'now', '--as', 'alice', '--json', '--config', file]);
    const id = JSON.parse(proposed.stdout).data.change as string;
    expect((await runPatchbot(['change', 'approve', id, '--as', 'dave', '--config', file])).code).toBe(0);

    // Not kicked from this CLI process: the replicas' sweep finds the approved change.
    await until(`${id} to complete`, async () => (await store.changes.get(id))?.state === 'completed', 150_000);
    // The sweep fires as configured, once per instant across both replicas: on 5 s instants, 5 s apart.
    const firings = await until(
      'two sweep firings',
      async () => {
        const rows = await sql.query<{ at: string }>(`select data->>'firedAt' as at from pgboss.job where name = 'schedule.rollouts' order by 1`);
        return rows.length >= 2 && rows.map((r) => Date.parse(r.at));
      },
      30_000,
    );
    expect(firings.filter((at) => at % 5_000 !== 0)).toEqual([]);
    expect(new Set(firings).size).toBe(firings.length);
    expect(Math.min(...firings.slice(1).map((at, i) => at - firings[i]!))).toBe(5_000);
    expect(await Promise.all(replicas.map((r) => r.stop('SIGTERM')))).toEqual([0, 0]);

    const runs = await store.rollouts.runs(id);
    // The replicas run in dry run (the default): each host is recorded as one that would be patched, once.
    expect(runs.map((r) => [r.host, r.state, r.attempt])).toEqual(HOSTS.map((host) => [host, 'dry-run', 1]));
    const hostEvents: string[] = [];
    const completions: string[] = [];
    for await (const event of store.audit.read()) {
      if (event.subject !== id) continue;
      if (event.action.startsWith('host.')) hostEvents.push(String((event.data as { host: string }).host));
      if (event.action === 'change.completed') completions.push(event.action);
    }
    await store.close();
    expect(hostEvents.sort()).toEqual(HOSTS);
    expect(completions).toHaveLength(1);
  }, 240_000);
});
