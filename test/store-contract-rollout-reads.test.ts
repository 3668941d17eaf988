import { expect, it } from 'vitest';
import type { HostRun } from '../src/rollouts/rollout-store.ts';
import { change, storeContract } from './support/store-contract.ts';

/**
 * The store contract, continued: the reads and writes a running change makes per host and per
 * wave (RolloutRepository.run, stateCounts, setRunStates; FindingRepository.needing), on every
 * engine. Each covers what a read of every run, or a statement per host, did before.
 */
const at = new Date('2026-12-01T22:00:00Z');
const HOSTS = ['web-01', 'web-02', 'web-03', 'web-04'];

storeContract('store contract, a running change', (opened) => {
  /** CHG-1 running over HOSTS, each run ended as `ended` says; CHG-2 over web-01, queued. */
  const running = async (ended: Record<string, { state: HostRun['state']; error?: string }>) => {
    const { store } = opened;
    await store.changes.create(change('CHG-1', { state: 'running' }));
    await store.changes.create(change('CHG-2', { state: 'running' }));
    await store.rollouts.queueRuns('CHG-1', 0, 0, HOSTS);
    await store.rollouts.queueRuns('CHG-2', 0, 0, ['web-01']);
    for (const [host, { state, error }] of Object.entries(ended)) {
      const claimed = await store.rollouts.claimRun('CHG-1', host, new Date(at.getTime() + 60_000), at, at);
      await store.rollouts.finishRun('CHG-1', host, { attempt: claimed!.run.attempt, state, result: { host }, error: error ?? null, at });
    }
  };

  it("reads one host's run, and counts the runs per state", async () => {
    await running({ 'web-01': { state: 'applied' }, 'web-02': { state: 'applied' }, 'web-03': { state: 'failed', error: 'apt exited 100' } });
    const { rollouts } = opened.store;
    expect(await rollouts.run('CHG-1', 'web-03')).toMatchObject({ changeId: 'CHG-1', host: 'web-03', state: 'failed', error: 'apt exited 100', result: { host: 'web-03' } });
    // web-01 runs in both changes: each its own.
    expect(await rollouts.run('CHG-1', 'web-01')).toMatchObject({ changeId: 'CHG-1', host: 'web-01', state: 'applied' });
    expect(await rollouts.run('CHG-2', 'web-01')).toMatchObject({ changeId: 'CHG-2', host: 'web-01', state: 'queued' });
    expect(await rollouts.run('CHG-1', 'db-01')).toBeNull();
    expect(await rollouts.stateCounts('CHG-1')).toEqual({ applied: 2, failed: 1, queued: 1 });
    expect(await rollouts.stateCounts('CHG-9')).toEqual({});
  });

  it("writes a wave's verdicts at once, to the runs still in the state they were judged from", async () => {
    await running({ 'web-01': { state: 'applied', error: 'a warning it printed' }, 'web-02': { state: 'applied' }, 'web-03': { state: 'failed', error: 'apt exited 100' } });
    const { rollouts } = opened.store;
    await rollouts.setRunStates('CHG-1', 'applied', [
      // No error of its own: the run keeps the one it has.
      { host: 'web-01', to: 'verified', error: null },
      { host: 'web-02', to: 'still-missing', error: 'still missing after the rescan: KB5034441' },
      // Not applied: left as it is.
      { host: 'web-03', to: 'verified', error: null },
    ]);
    await rollouts.setRunStates('CHG-1', 'applied', []);
    expect((await rollouts.runs('CHG-1')).map((r) => [r.host, r.state, r.error])).toEqual([
      ['web-01', 'verified', 'a warning it printed'],
      ['web-02', 'still-missing', 'still missing after the rescan: KB5034441'],
      ['web-03', 'failed', 'apt exited 100'],
      ['web-04', 'queued', null],
    ]);
    // The other change's run of web-01 is its own.
    expect(await rollouts.run('CHG-2', 'web-01')).toMatchObject({ state: 'queued' });
  });

  it('says which of the patches each host still needs, of the hosts and patches asked about', async () => {
    const { store } = opened;
    const patches = ['KB5034441', 'KB5034442', 'KB5034443'];
    await store.patches.upsert(patches.map((id) => ({ id, title: id, severity: 'important', security: true, cves: [], rebootHint: false, firstSeen: at })));
    await store.scans.start('s1', 'test', HOSTS, at);
    await store.findings.record(
      's1',
      'web-01',
      [
        { patchId: 'KB5034443', state: 'missing' },
        { patchId: 'KB5034441', state: 'failed' },
        { patchId: 'KB5034442', state: 'missing' },
      ],
      at,
    );
    await store.findings.record('s1', 'web-02', [{ patchId: 'KB5034441', state: 'pending-reboot' }], at);
    await store.findings.record('s1', 'web-03', [{ patchId: 'KB5034441', state: 'missing' }], at);
    const needing = await store.findings.needing(['web-01', 'web-02', 'web-04', 'db-01'], ['KB5034441', 'KB5034443']);
    // web-01 by patch id (not KB5034442: not asked about); web-02 awaits a reboot, web-03 was not asked about.
    expect([...needing.entries()]).toEqual([['web-01', ['KB5034441', 'KB5034443']]]);
    expect(await store.findings.needing([], patches)).toEqual(new Map());
    expect(await store.findings.needing(HOSTS, [])).toEqual(new Map());
  });
});
