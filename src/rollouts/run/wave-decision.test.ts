import { describe, expect, it } from 'vitest';
import type { HostRun, RolloutProgress } from '../rollout-store.ts';
import type { RolloutPlan } from '../rollout-plan.ts';
import { budgetVerdict, nextWaveAction, RESCAN_PATIENCE_MS, type WaveAction, type WaveView, type WindowClosed, type WindowOpen } from './wave-decision.ts';
import { hostRun } from '../../../test/support/host-run.ts';

/** The running change's decider on a fixed clock: state in, next action out, no store. */
const NOW = new Date('2026-12-07T22:10:00Z');
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);

const wave = (name: string, batches: string[][], over: Partial<RolloutPlan['waves'][number]> = {}): RolloutPlan['waves'][number] => ({
  name,
  pilot: name === 'pilot',
  source: { groups: [name] },
  batches,
  concurrency: 2,
  failureBudget: 0,
  soakMs: 0,
  smoke: [],
  ...over,
});
const PLAN: RolloutPlan = {
  version: 1,
  class: 'normal',
  targets: ['canary', 'web'],
  spreadBy: null,
  notes: [],
  waves: [wave('pilot', [['canary-01']]), wave('web', [['web-01', 'web-02'], ['web-03']], { failureBudget: 1 })],
};
const OPEN: WindowOpen = { may: true, opening: { start: minutes(-10), end: minutes(50) }, closesAt: minutes(50), overriddenBlackout: null, text: 'Window nightly is open until 23:00 UTC.' };
const CLOSED: WindowClosed = { may: false, reason: 'outside-window', nextOpening: { start: minutes(24 * 60 - 10), end: minutes(24 * 60 + 50) }, text: 'Window nightly is closed.' };

const run = (host: string, state: HostRun['state'], over: Partial<HostRun> = {}): HostRun => hostRun(host, state, { wave: 1, ...over });
const view = (progress: Partial<RolloutProgress>, over: Partial<WaveView> = {}): WaveView => ({
  changeId: 'CHG-1',
  plan: PLAN,
  progress: { wave: 1, phase: 'running', scanId: null, soakUntil: null, ...progress },
  runs: [],
  window: OPEN,
  now: NOW,
  ...over,
});

describe('nextWaveAction', () => {
  const cases: Array<[string, WaveView, WaveAction]> = [
    ['past the last wave: complete', view({ wave: 2 }), { kind: 'complete' }],
    ['a new wave in an open window: its first batch starts', view({}), { kind: 'start-batch', batch: 0, hosts: ['web-01', 'web-02'], window: OPEN }],
    ['a new wave with the window closed: pause, never a new host', view({}, { window: CLOSED }), { kind: 'pause', window: CLOSED }],
    ['hosts still running: wait', view({}, { runs: [run('web-01', 'running'), run('web-02', 'applied')] }), { kind: 'wait' }],
    [
      'hosts queued, window open: send them again',
      view({}, { runs: [run('web-01', 'queued', { attempt: 0 }), run('web-02', 'running')] }),
      { kind: 'resend', hosts: [{ host: 'web-01', attempt: 0 }], window: OPEN },
    ],
    ['hosts queued, window closed: pause', view({}, { runs: [run('web-01', 'queued')], window: CLOSED }), { kind: 'pause', window: CLOSED }],
    ['first batch done: the next batch', view({}, { runs: [run('web-01', 'applied'), run('web-02', 'applied')] }), { kind: 'start-batch', batch: 1, hosts: ['web-03'], window: OPEN }],
    [
      'every batch done in a dry run: no rescan (nothing changed), judge now',
      view({}, { dryRun: true, runs: [run('web-01', 'applied'), run('web-02', 'applied'), run('web-03', 'applied', { batch: 1 })] }),
      { kind: 'rescan', scanId: null, hosts: ['web-01', 'web-02', 'web-03'] },
    ],
    [
      'every batch done: rescan the hosts that applied, with an id per wave and attempts',
      view({}, { runs: [run('web-01', 'applied'), run('web-02', 'not-needed'), run('web-03', 'applied', { batch: 1, attempt: 2 })] }),
      { kind: 'rescan', scanId: 'rollout-CHG-1-w2-4', hosts: ['web-01', 'web-03'] },
    ],
    [
      'every batch done, none applied: judge without a rescan',
      view({}, { runs: [run('web-01', 'not-needed'), run('web-02', 'not-needed'), run('web-03', 'not-needed', { batch: 1 })] }),
      { kind: 'rescan', scanId: null, hosts: [] },
    ],
    ['failures within budget do not halt', view({}, { runs: [run('web-01', 'failed'), run('web-02', 'applied')] }), { kind: 'start-batch', batch: 1, hosts: ['web-03'], window: OPEN }],
    [
      'failures beyond budget halt, even with hosts queued',
      view({}, { runs: [run('web-01', 'failed'), run('web-02', 'failed'), run('web-03', 'queued', { batch: 1 })] }),
      { kind: 'halt', reason: 'Wave web: 2 hosts failed, more than its budget of 1.', runs: [run('web-01', 'failed'), run('web-02', 'failed'), run('web-03', 'queued', { batch: 1 })] },
    ],
    ['verifying without a rescan: judge', view({ phase: 'verifying' }), { kind: 'judge' }],
    [
      'verifying, rescan lost before it started: start it again',
      view({ phase: 'verifying', scanId: 'rollout-CHG-1-w2-2' }, { scan: null, runs: [run('web-01', 'applied'), run('web-02', 'verified')] }),
      { kind: 'restart-rescan', scanId: 'rollout-CHG-1-w2-2', hosts: ['web-01'] },
    ],
    ['verifying, rescan running a while: wait', view({ phase: 'verifying', scanId: 's' }, { scan: { startedAt: minutes(-29), finishedAt: null } }), { kind: 'wait' }],
    [
      'verifying, rescan running past the patience: judge with what is in',
      view({ phase: 'verifying', scanId: 's' }, { scan: { startedAt: new Date(NOW.getTime() - RESCAN_PATIENCE_MS), finishedAt: null } }),
      { kind: 'judge' },
    ],
    ['verifying, rescan finished: judge', view({ phase: 'verifying', scanId: 's' }, { scan: { startedAt: minutes(-1), finishedAt: minutes(0) } }), { kind: 'judge' }],
    ['soaking until later: wait', view({ phase: 'soaking', soakUntil: minutes(1) }), { kind: 'wait' }],
    ['soak over at this very moment: the next wave', view({ phase: 'soaking', soakUntil: NOW }), { kind: 'next-wave' }],
    ['soaking with no soak: the next wave', view({ phase: 'soaking' }), { kind: 'next-wave' }],
    ['a soak does not care about the window', view({ phase: 'soaking', soakUntil: minutes(-1) }, { window: CLOSED }), { kind: 'next-wave' }],
    ['waiting phase: nothing for the wave to do', view({ phase: 'waiting' }), { kind: 'wait' }],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(nextWaveAction(input)).toEqual(expected);
  });

  it('reads the clock it is given, not the machine', () => {
    const scan = { startedAt: new Date('2020-01-01T00:00:00Z'), finishedAt: null };
    const at = (now: Date) => nextWaveAction(view({ phase: 'verifying', scanId: 's' }, { scan, now })).kind;
    expect(at(new Date('2020-01-01T00:29:59Z'))).toBe('wait');
    expect(at(new Date('2020-01-01T00:30:00Z'))).toBe('judge');
  });
});

describe('budgetVerdict', () => {
  const pilot = PLAN.waves[0]!;
  const web = PLAN.waves[1]!;
  const cases: Array<[string, RolloutPlan['waves'][number], HostRun[], string | null]> = [
    ['all patched', web, [run('web-01', 'verified'), run('web-02', 'verified')], null],
    ['one failure in a budget of one', web, [run('web-01', 'still-missing'), run('web-02', 'verified')], null],
    ['two failures in a budget of one', web, [run('web-01', 'failed'), run('web-02', 'still-missing')], 'Wave web: 2 hosts failed, more than its budget of 1.'],
    ['one failure in a budget of none', pilot, [run('canary-01', 'failed')], 'Wave pilot: 1 host failed, more than its budget of 0.'],
    ['a failed smoke check halts whatever the budget', web, [run('web-01', 'smoke-failed', { error: 'nginx down' })], 'Smoke check failed on web-01 in wave web: nginx down.'],
    ['a failed smoke check without a message', web, [run('web-01', 'smoke-failed')], 'Smoke check failed on web-01 in wave web.'],
    ['not needed is no failure', pilot, [run('canary-01', 'not-needed')], null],
  ];
  it.each(cases)('%s', (_name, w, runs, expected) => {
    expect(budgetVerdict(w, runs)).toBe(expected);
  });
});
