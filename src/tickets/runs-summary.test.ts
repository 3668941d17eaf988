import { describe, expect, it } from 'vitest';
import type { HostRun } from '../rollouts/rollout-store.ts';
import { hostRun } from '../../test/support/host-run.ts';
import { runsSummary } from './outbox-events.ts';

/** A host run as run-host.ts records it: the apply's steps, printed (`would run: …`) under dry run. */
const run = (host: string, state: HostRun['state'], dryRun: boolean): HostRun =>
  hostRun(host, state, {
    result: {
      runs: [
        {
          playbook: 'apply-debian-packages',
          ok: true,
          dryRun,
          steps: [
            { phase: 'step', name: 'install exactly what was approved', ok: true, exitCode: 0, ...(dryRun ? { skipped: 'would run: apt-get install -y --only-upgrade libbar1=1.1-1' } : {}) },
          ],
        },
      ],
    },
  });

describe('the ticket summary of host runs', () => {
  it('says a dry run patched nothing', () => {
    expect(runsSummary([run('web-01', 'dry-run', true), run('web-02', 'dry-run', true)], 'patched')).toBe(
      '2 of 2 hosts would be patched (dry run). Dry run: nothing was changed on the hosts.',
    );
  });

  it('says a real run patched', () => {
    expect(runsSummary([run('web-01', 'verified', false)], 'patched')).toBe('1 of 1 host patched.');
  });

  // An operator stopped a change by switching to dry run: the pilot was patched for real.
  it('tells the hosts patched for real from those that only printed, when a change was switched to dry run part-way', () => {
    expect(runsSummary([run('canary-01', 'verified', false), run('web-01', 'dry-run', true), run('web-02', 'not-needed', false)], 'patched')).toBe(
      '1 of 3 hosts patched, 1 would be patched (dry run), 1 already had it. Dry run for the hosts that only printed their commands: nothing was changed on them.',
    );
  });
});
