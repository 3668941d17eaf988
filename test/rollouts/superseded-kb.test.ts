import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreHandle } from '../../src/platform.ts';
import { kickRollout } from '../../src/rollouts/run/rollout-jobs.ts';
import type { Runtime } from '../../src/service/runtime.ts';
import { runsSummary } from '../../src/tickets/outbox-events.ts';
import { until } from '../support/until.ts';
import { askAs } from '../support/ask-as.ts';
import { writeLocalEstateConfig } from '../support/local-estate-config.ts';
import { startTestRuntime } from '../support/test-runtime.ts';

/**
 * A change approved for a Windows KB that a newer cumulative update superseded before the window
 * (outside review, finding 6): the scan that saw it gone showed win-01 has it (Get-HotFix or the
 * Update Agent's history) and win-02 does not. win-01 did not need it; win-02 is not "did not need
 * it": its host run goes ahead (here a dry run, the service's default; for real, apply-windows-kb
 * then fails the host with "not offered by Windows Update and not installed"), and the ticket's
 * summary counts one host, not two, as having had it. The real runtime, store, queue and workers.
 */
const KB = 'KB5034441';
const HOSTS = ['win-01', 'win-02'];
let clock = new Date('2026-12-07T21:30:00Z'); // a Monday
let handle: StoreHandle;
let runtime: Runtime;

beforeAll(async () => {
  const file = writeLocalEstateConfig({
    hosts: HOSTS,
    os: 'windows',
    groups: { win: ['win-01', 'win-02'] },
    windows: '{ nightly: { cron: "0 22 * * *", duration: 1h, timezone: UTC } }',
    rollout: '{ pilot: { soak: 0s }, defaults: { concurrency: 2, soak: 0s } }',
  });
  ({ handle, runtime } = await startTestRuntime([file], { now: () => clock }));
  const seen = new Date('2026-12-01T12:00:00Z');
  await runtime.store.scans.start('s1', 'test', HOSTS, seen);
  await runtime.store.patches.upsert([{ id: KB, title: `2026-11 Cumulative Update (${KB})`, severity: 'important', security: true, cves: [], rebootHint: true, firstSeen: seen }], 's1');
  for (const host of HOSTS) await runtime.store.findings.record('s1', host, [{ patchId: KB, state: 'missing' }], seen);
}, 120_000);
afterAll(async () => {
  await runtime?.stop();
  await handle?.close();
});

describe('a change approved for a KB superseded before its window', () => {
  it('runs on the host that never got it and counts only the host that had it as not needing it', async () => {
    const proposed = await askAs(runtime, 'alice', `propose ${KB} to win at nightly`);
    expect(proposed.error, JSON.stringify(proposed.error)).toBeUndefined();
    const id = String(proposed.data?.change);
    expect((await askAs(runtime, 'dave', `approve ${id}`)).error).toBeUndefined();
    await until(`${id} to be scheduled`, async () => (await runtime.store.changes.get(id))?.state === 'scheduled');

    // 21:45: KB5036893 supersedes it. win-01 shows it installed, win-02 does not.
    const at = new Date('2026-12-07T21:45:00Z');
    await runtime.store.scans.start('s2', 'test', HOSTS, at);
    await runtime.store.patches.upsert(
      [{ id: 'KB5036893', title: '2026-12 Cumulative Update (KB5036893)', severity: 'important', security: true, cves: [], rebootHint: true, firstSeen: at }],
      's2',
    );
    await runtime.store.findings.record('s2', 'win-01', [{ patchId: 'KB5036893', state: 'missing' }], at, ['KB5000001', KB]);
    await runtime.store.findings.record('s2', 'win-02', [{ patchId: 'KB5036893', state: 'missing' }], at, ['KB5000001']);
    expect((await runtime.store.findings.byPatch(KB)).map((f) => [f.host, f.state])).toEqual([
      ['win-01', 'installed'],
      ['win-02', 'superseded'],
    ]);

    clock = new Date('2026-12-07T22:02:00Z');
    await kickRollout(runtime, id, 'window');
    await until(`${id} to end`, async () => ['completed', 'failed', 'halted'].includes((await runtime.store.changes.get(id))?.state ?? ''), 60_000);
    const runs = await runtime.store.rollouts.runs(id);
    expect(runs.map((r) => [r.host, r.state]).sort()).toEqual([
      ['win-01', 'not-needed'],
      ['win-02', 'dry-run'],
    ]);
    expect(runsSummary(runs, 'patched')).toBe('1 of 2 hosts would be patched (dry run), 1 already had it. Dry run: nothing was changed on the hosts.');
  });
});
