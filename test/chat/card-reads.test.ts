import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadApprovalCard } from '../../src/chat/changes/load-card.ts';
import { Config } from '../../src/config/schema.ts';
import { planRollout } from '../../src/rollouts/plan.ts';
import { type FreshStore, freshPglite } from '../support/engines.ts';
import { estateHost } from '../support/estate-scans.ts';
import { recordedCalls } from '../support/recorded-calls.ts';
import { change } from '../support/store-contract.ts';
import { runningProgress } from '../support/rollout-progress.ts';

/**
 * An approval card is redrawn at every vote and every move of its change: its host counts and
 * its progress are counted in the store, not read from the whole inventory and every host run
 * (with its output) of a change that may cover 100,000 hosts.
 */
const WEB = Array.from({ length: 12 }, (_, i) => `web-${String(i + 1).padStart(2, '0')}`);
const CANARY = ['canary-01'];
const at = new Date('2026-12-01T22:00:00Z');
const config = Config.parse({});

let opened: FreshStore;
beforeAll(async () => {
  opened = await freshPglite();
  const hosts = [...CANARY.map((n) => estateHost(n, 'canary')), ...WEB.map((n) => estateHost(n, 'web')), estateHost('db-01', 'db')];
  const groups = ['canary', 'web', 'db'].map((name) => ({ name, production: false }));
  await opened.store.hosts.sync(hosts);
  await opened.store.groups.sync(groups);
  const plan = planRollout({ targets: ['canary', 'web'], hosts, groups, config: config.rollout, class: 'normal' });
  await opened.store.changes.create(change('CHG-1', { targets: ['canary', 'web'], state: 'running', plan, title: 'KB5034441 to canary, web' }));
  const { rollouts } = opened.store;
  await rollouts.saveProgress(runningProgress('CHG-1', at));
  await rollouts.queueRuns('CHG-1', 0, 0, CANARY);
  await rollouts.queueRuns('CHG-1', 1, 0, WEB.slice(0, 4));
  const ended = { 'canary-01': 'verified', 'web-01': 'dry-run', 'web-02': 'failed', 'web-03': 'running' } as const;
  for (const [host, state] of Object.entries(ended)) {
    const claimed = await rollouts.claimRun('CHG-1', host, new Date(at.getTime() + 60_000), at, at);
    // A dry run is told from what the run recorded (dryRunCommands): the playbook's steps it would have run.
    const result = state === 'dry-run' ? { runs: [{ playbook: 'apply-windows-kb', dryRun: true, steps: [{ skipped: 'would run: install KB5034441' }] }] } : null;
    if (state !== 'running') await rollouts.finishRun('CHG-1', host, { attempt: claimed!.run.attempt, state, result, error: null, at });
  }
  // A change none of whose hosts ran dry or failed: its card needs no run at all.
  await opened.store.changes.create(change('CHG-2', { targets: ['canary'], state: 'running', plan, title: 'KB5034441 to canary' }));
  await rollouts.queueRuns('CHG-2', 0, 0, ['db-01']);
  const claimed = await rollouts.claimRun('CHG-2', 'db-01', new Date(at.getTime() + 60_000), at, at);
  await rollouts.finishRun('CHG-2', 'db-01', { attempt: claimed!.run.attempt, state: 'verified', result: null, error: null, at });
});
afterAll(async () => opened?.store.close());

describe("an approval card's hosts and progress", () => {
  it('are counted in the store', async () => {
    const { store, calls } = recordedCalls(opened.store);
    const card = await loadApprovalCard(store, (await opened.store.changes.get('CHG-1'))!, { schedule: config, now: at });
    const field = (label: string) => card.fields?.find((f) => f.label === label)?.value;
    expect(field('Where')).toBe('canary (1 host), web (12 hosts)');
    expect(field('Progress')).toMatch(/^Wave 2 of \d+ \(.+\): 2 of 13 hosts done, 1 would patch \(dry run\), 1 running, 1 failed$/);
    expect(field('State')).toBe('running (dry run)');
    // The runs themselves only because their counts show a host that ran dry or failed: whether it
    // ran dry is in its record (stateNeedsRuns).
    expect(calls.map((c) => c.call).filter((c) => ['hosts.list', 'groups.list', 'rollouts.runs'].includes(c))).toEqual(['rollouts.runs']);
  });

  it('read no run of a change none of whose hosts ran dry or failed', async () => {
    const { store, calls } = recordedCalls(opened.store);
    const card = await loadApprovalCard(store, (await opened.store.changes.get('CHG-2'))!, { schedule: config, now: at });
    expect(card.fields?.find((f) => f.label === 'State')?.value).toBe('running');
    expect(calls.map((c) => c.call).filter((c) => ['hosts.list', 'groups.list', 'rollouts.runs'].includes(c))).toEqual([]);
  });
});
