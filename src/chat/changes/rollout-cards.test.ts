import { describe, expect, it } from 'vitest';
import type { Change } from '../../changes/change.ts';
import type { HostRun } from '../../rollouts/rollout-store.ts';
import { hostRun } from '../../../test/support/host-run.ts';
import { runCounts, stateNeedsRuns, stateText } from './rollout-cards.ts';

/** A host run as run-host.ts records it: its apply got through a step, printed (`would run: …`) under dry run. */
const run = (host: string, state: HostRun['state'], dryRun: boolean): HostRun =>
  hostRun(host, state, {
    result: {
      runs: [
        {
          playbook: 'apply-debian-packages',
          dryRun,
          steps: [{ phase: 'step', ok: true, ...(dryRun ? { skipped: 'would run: apt-get install -y --only-upgrade libbar1=1.1-1' } : {}) }],
        },
      ],
    },
  });
const unreached = (host: string) => hostRun(host, 'failed', { result: { runs: [] }, error: 'unreachable' });
const change = (state: Change['state'], parentId: string | null = null) => ({ id: 'CHG-1', state, parentId }) as Change;

/** The State the card and the `changes` list both show: one rule for "(dry run)". */
describe('stateText', () => {
  it.each<[string, Change, HostRun[], string]>([
    ['patched for real: no dry run said', change('completed'), [run('a', 'verified', false), run('b', 'verified', false)], 'completed'],
    ['nothing changed on any host: a dry run', change('completed'), [run('a', 'dry-run', true), run('b', 'dry-run', true)], 'completed (dry run)'],
    [
      'a dry run whose other host failed before changing anything: still a dry run',
      change('completed'),
      [run('a', 'dry-run', true), unreached('b')],
      'completed with 1 failed host (dry run)',
    ],
    [
      'switched to dry run part-way: how many were patched, how many ran dry',
      change('completed'),
      [run('a', 'verified', false), run('b', 'dry-run', true), run('c', 'dry-run', true)],
      'completed (1 host patched, 2 ran dry)',
    ],
    [
      'mixed, with a failed host: the failure and the counts',
      change('completed'),
      [run('a', 'verified', false), run('b', 'verified', false), run('c', 'dry-run', true), unreached('d')],
      'completed with 1 failed host (2 hosts patched, 1 ran dry)',
    ],
    [
      'a host changed for real that then failed is never called a dry run',
      change('completed'),
      [run('a', 'still-missing', false), run('b', 'verified', false), run('c', 'dry-run', true)],
      'completed with 1 failed host (1 host patched, 1 ran dry)',
    ],
    ['a rollback says restored', change('completed', 'CHG-0'), [run('a', 'verified', false), run('b', 'dry-run', true)], 'completed (1 host restored, 1 ran dry)'],
    ['running: a host still running is not yet counted either way', change('running'), [run('a', 'dry-run', true), hostRun('b', 'running')], 'running (dry run)'],
  ])('%s', (_, c, runs, expected) => {
    const counts = runCounts(runs);
    // The card reads the runs only when their counts say a host ran dry or failed.
    expect(stateText(c, counts, stateNeedsRuns(counts) ? runs : [])).toBe(expected);
  });
});
