import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { platform } from '../support/platform.ts';
import type { StoreHandle } from '../../src/platform.ts';
import { type Runtime, startRuntime } from '../../src/service/runtime.ts';
import { proposeOnSchedule } from '../../src/rollouts/run/recurring-proposals.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { writeConfig } from '../support/cli.ts';
import { until } from '../support/until.ts';
import { askAs } from '../support/ask-as.ts';
import { consoleHistoryOf } from '../support/console-history.ts';

/**
 * The orchestrator end to end in one process, on the embedded defaults' terms: dry run, local
 * hosts, real job queue and workers, the console as the chat surface. Pilot first, then the
 * production wave; every host run recorded; the change completes with nothing changed on hosts.
 */
const config = async () =>
  (
    await loadConfig({
      files: [
        writeConfig(
          [
            'store: { url: "pglite://memory" }',
            'log: { level: silent }',
            'inventory:',
            '  hosts:',
            ...['canary-01', 'web-01', 'web-02', 'web-03'].map((name) => `    - { name: ${name}, address: 127.0.0.1, os: debian, connection: local }`),
            '  groups:',
            '    - { name: canary, members: [canary-01] }',
            '    - { name: prod-web, members: [web-01, web-02, web-03] }',
            'schedules:',
            '  discovery: null',
            '  proposals:',
            '    - { name: security-canary, cron: "0 22 * * 2", patches: security, targets: [canary], window: now }',
            'rollout:',
            '  pilot: { group: canary, soak: 0s }',
            '  defaults: { concurrency: 2, soak: 0s }',
          ].join('\n'),
        ),
      ],
      env: {},
      cwd: process.cwd(),
    })
  ).config;

let handle: StoreHandle;
let runtime: Runtime;
const ask = (name: string, text: string) => askAs(runtime, name, text);

beforeAll(async () => {
  const loaded = await config();
  handle = await platform.openStore(loaded.store.url, { migrate: true });
  runtime = await startRuntime({ config: loaded, platform, log: createLogger({ level: 'silent' }), handle, workers: true });
  const at = new Date();
  await runtime.store.scans.start('scan-seed', 'test', ['canary-01', 'web-01', 'web-02', 'web-03'], at);
  await runtime.store.patches.upsert([{ id: 'deb:openssl@9.9.9-1', title: 'openssl 9.9.9-1', severity: 'important', security: true, cves: [], rebootHint: false, firstSeen: at }], 'scan-seed');
  for (const host of ['canary-01', 'web-01', 'web-02', 'web-03']) {
    await runtime.store.findings.record('scan-seed', host, [{ patchId: 'deb:openssl@9.9.9-1', state: 'missing' }], at);
  }
}, 120_000);
afterAll(async () => {
  await runtime?.stop();
  await handle?.close();
});

describe('a rollout in dry run', () => {
  it('runs the pilot, then the production wave in batches, and completes without changing a host', async () => {
    const proposed = await ask('alice', 'propose deb:openssl@9.9.9-1 to canary prod-web at now');
    expect(proposed.error).toBeUndefined();
    const id = String(proposed.data?.change);
    const change = await runtime.store.changes.get(id);
    expect(change?.plan).toMatchObject({ waves: [{ name: 'pilot', pilot: true, batches: [['canary-01']] }, { batches: [['web-01', 'web-02'], ['web-03']] }] });

    const approved = await ask('dave', `approve ${id}`);
    expect(approved.data).toMatchObject({ decided: 'approved' });
    await until('the change to complete', async () => (await runtime.store.changes.get(id))?.state === 'completed');
    // Messages follow the committed transition: wait for the last one before reading the thread.
    await until('the completed message', async () => (await consoleHistoryOf(runtime).recent('approvals', null, 50)).some((m) => m.card?.title === `${id}: completed`));

    const runs = await runtime.store.rollouts.runs(id);
    expect(runs.map((r) => [r.host, r.wave, r.batch, r.state, r.attempt])).toEqual([
      ['canary-01', 0, 0, 'verified', 1],
      ['web-01', 1, 0, 'verified', 1],
      ['web-02', 1, 0, 'verified', 1],
      ['web-03', 1, 1, 'verified', 1],
    ]);
    // Dry run: the apply playbook was recorded as "would run", never executed.
    const steps = (runs[0]?.result as { runs: Array<{ dryRun: boolean; steps: Array<{ name: string; skipped?: string }> }> }).runs[0];
    expect(steps?.dryRun).toBe(true);
    // Exactly the approved version, never a bare package name.
    expect(steps?.steps.find((s) => s.name === 'install exactly what was approved')?.skipped).toMatch(/^would run: .*'openssl=9\.9\.9-1'.*apt-get install -y --only-upgrade /s);

    // The thread tells the story once per wave; the card shows the end state.
    const thread = (await consoleHistoryOf(runtime).recent('approvals', null, 50)).map((m) => m.card?.title ?? '');
    expect(thread.filter((t) => t.startsWith(`${id}: wave`))).toEqual([`${id}: wave 1 of 2 started`, `${id}: wave 1 of 2 done`, `${id}: wave 2 of 2 started`, `${id}: wave 2 of 2 done`]);
    expect(thread).toContain(`${id}: completed`);
    const audit: string[] = [];
    for await (const event of runtime.store.audit.read()) if (event.subject === id) audit.push(event.action);
    expect(audit).toEqual(expect.arrayContaining(['change.approved', 'change.scheduled', 'change.running', 'host.applied', 'change.completed']));
  });

  it('proposes on schedule what the selector picks and the targets still miss, and nothing when nothing is missing', async () => {
    const schedule = runtime.config.schedules.proposals[0]!;
    await runtime.store.patches.upsert([{ id: 'deb:bash@9.9-1', title: 'bash 9.9-1', severity: 'low', security: false, cves: [], rebootHint: false, firstSeen: new Date() }]);
    const at = new Date();
    await runtime.store.scans.start('scan-two', 'test', ['canary-01'], at);
    await runtime.store.findings.record('scan-two', 'canary-01', [{ patchId: 'deb:openssl@9.9.9-1', state: 'missing' }, { patchId: 'deb:bash@9.9-1', state: 'missing' }], at);
    const id = await proposeOnSchedule(runtime.rollouts, schedule, '2026-12-01T22:00:00.000Z');
    const change = await runtime.store.changes.get(id!);
    // Security only: the bash update is not one; requested by the schedule, any on-call may approve.
    expect(change).toMatchObject({ patches: ['deb:openssl@9.9.9-1'], targets: ['canary'], requester: 'schedule:security-canary', state: 'pending-approval', window: 'now' });
    const posted = await consoleHistoryOf(runtime).recent('approvals', null, 100);
    expect(posted.some((m) => m.card?.title === `${id}: deb:openssl@9.9.9-1 to canary (security-canary)`)).toBe(true);

    await runtime.store.findings.record('scan-two', 'canary-01', [{ patchId: 'deb:bash@9.9-1', state: 'missing' }], at);
    expect(await proposeOnSchedule(runtime.rollouts, schedule, '2026-12-08T22:00:00.000Z')).toBeNull();
  });

  it('scans from chat: a group by name, a typo answered with the closest names', async () => {
    const started = await ask('erin', 'scan canary');
    expect(started.data).toMatchObject({ hosts: 1, created: true });
    expect(started.public?.title).toBe('Scanning canary (1 host)');
    const scanId = String(started.data?.scan);
    await until('the chat scan', async () => (await runtime.store.scans.progress(scanId))?.finishedAt);
    expect((await runtime.store.scans.progress(scanId))?.requestedBy).toBe('chat:erin');
    const typo = await ask('erin', 'scan canery');
    expect(typo.error?.suggestions).toEqual(['canary']);
  });
});
