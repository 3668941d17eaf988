import { describe, expect, it } from 'vitest';
import type { Change } from '../../src/changes/change.ts';
import type { RolloutPlan } from '../../src/rollouts/rollout-plan.ts';
import type { HostRun, HostRunState, RolloutProgress } from '../../src/rollouts/rollout-store.ts';
import { wavesView } from './waves-view.ts';
import { runningProgress } from '../../test/support/rollout-progress.ts';

const at = new Date('2026-03-02T22:10:00Z');

const change: Change = {
  id: 'CHG-7',
  class: 'normal',
  title: 'deb:openssl to prod-web',
  patches: ['deb:openssl@3.0.13-1~deb12u1'],
  targets: ['prod-web'],
  window: 'weeknights',
  requester: 'alice',
  policyName: 'normal',
  policy: { eligible: [], required: 1, rejectWins: false, expiresInMs: null, notify: [], postReview: false },
  state: 'running',
  parentId: null,
  plan: null,
  postReview: false,
  createdAt: at,
  updatedAt: at,
  expiresAt: null,
};

const wave = (name: string, pilot: boolean, batches: string[][], failureBudget: number) => ({
  name,
  pilot,
  source: { groups: ['prod-web'] },
  batches,
  concurrency: 2,
  failureBudget,
  soakMs: 0,
  smoke: [],
});
const plan: RolloutPlan = {
  version: 1,
  class: 'normal',
  targets: ['prod-web'],
  spreadBy: null,
  notes: [],
  waves: [
    wave('pilot', true, [['web-01']], 0),
    wave(
      'prod-web',
      false,
      [
        ['web-02', 'web-03'],
        ['web-04', 'web-05'],
      ],
      2,
    ),
  ],
};

const run = (host: string, wave: number, batch: number, state: HostRunState, error: string | null = null): HostRun => ({
  changeId: 'CHG-7',
  host,
  wave,
  batch,
  state,
  attempt: 1,
  leaseUntil: null,
  startedAt: at,
  finishedAt: null,
  result: null,
  error,
});

const progress = (patch: Partial<RolloutProgress>): RolloutProgress => runningProgress('CHG-7', at, patch);

describe('the waves view', () => {
  it('gives every planned host the state of its run, and `pending` when it has none yet', () => {
    const runs = [run('web-01', 0, 0, 'verified'), run('web-02', 1, 0, 'running'), run('web-03', 1, 0, 'smoke-failed', 'smoke-http: GET / exited 7')];
    const view = wavesView(change, plan, progress({}), runs, at);
    expect(view.waves.map((w) => w.hosts.map((h) => `${h.host}:${h.state}:${h.kind}`))).toEqual([
      ['web-01:verified:patched'],
      ['web-02:running:running', 'web-03:smoke-failed:failed', 'web-04:pending:pending', 'web-05:pending:pending'],
    ]);
    expect(view.waves[1]!.hosts.map((h) => h.batch)).toEqual([0, 0, 1, 1]);
    expect(view.waves[1]!.hosts[1]!.error).toBe('smoke-http: GET / exited 7');
    expect(view.waves.map((w) => w.status)).toEqual(['done', 'current']);
    expect(view.current).toEqual({ wave: 1, phase: 'running', soakUntil: null, pausedBy: null });
    expect(view.totals).toEqual({ hosts: 5, pending: 2, running: 1, patched: 1, 'would-patch': 0, failed: 1, accepted: 0, 'not-needed': 0 });
    expect(view.dryRun).toBe('');
  });

  it("shows a dry run's hosts as would-patch, never patched, and says the view is a dry run", () => {
    const dry = { runs: [{ playbook: 'apply-debian-packages', dryRun: true, steps: [{ phase: 'step', ok: true, skipped: 'would run: apt-get install -y openssl=1' }] }] };
    const runs = [
      { ...run('web-01', 0, 0, 'dry-run'), result: dry },
      { ...run('web-02', 1, 0, 'failed', 'apply-rhel-advisories cannot apply deb:openssl@1'), result: { runs: [] } },
    ];
    const view = wavesView(change, plan, progress({}), runs, at);
    expect(view.waves[0]!.hosts.map((h) => `${h.host}:${h.state}:${h.kind}`)).toEqual(['web-01:dry-run:would-patch']);
    expect(view.totals).toMatchObject({ patched: 0, 'would-patch': 1, failed: 1 });
    expect(view.dryRun).toBe('dry run');
  });

  it('says how many hosts were patched and how many ran dry when dry run was switched on part-way, as the card does', () => {
    const step = (dryRun: boolean) => ({ phase: 'step', ok: true, ...(dryRun ? { skipped: 'would run: apt-get install -y openssl=1' } : {}) });
    const runs = [
      { ...run('web-01', 0, 0, 'verified'), result: { runs: [{ playbook: 'apply-debian-packages', dryRun: false, steps: [step(false)] }] } },
      { ...run('web-02', 1, 0, 'dry-run'), result: { runs: [{ playbook: 'apply-debian-packages', dryRun: true, steps: [step(true)] }] } },
    ];
    expect(wavesView(change, plan, progress({}), runs, at).dryRun).toBe('1 host patched, 1 ran dry');
  });

  it('counts failures as the orchestrator does: an accepted failure no longer counts against the budget', () => {
    const runs = [run('web-02', 1, 0, 'failed'), run('web-03', 1, 0, 'still-missing'), run('web-04', 1, 1, 'accepted'), run('web-05', 1, 1, 'not-needed')];
    const [, second] = wavesView(change, plan, progress({ haltReason: 'Wave prod-web: 3 hosts failed' }), runs, at).waves;
    expect(second).toMatchObject({ pilot: false, failures: 2, failureBudget: 2, batches: 2, counts: { failed: 2, accepted: 1, 'not-needed': 1, pending: 0 } });
  });

  it('has no current wave before the rollout starts, and none left once it is done', () => {
    expect(wavesView({ ...change, state: 'pending-approval' }, plan, null, [], at)).toMatchObject({ current: null, haltReason: null });
    expect(wavesView(change, plan, null, [], at).waves.map((w) => w.status)).toEqual(['pending', 'pending']);
    expect(wavesView(change, plan, progress({ wave: 2, phase: 'done' }), [], at).waves.map((w) => w.status)).toEqual(['done', 'done']);
  });

  it('says why a change without a valid plan has no waves', () => {
    const view = wavesView(change, null, null, [], at);
    expect(view.waves).toEqual([]);
    expect(view.note).toBe('CHG-7 has no valid wave plan, so it has no waves to show');
  });
});
