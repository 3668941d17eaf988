import { describe, expect, it } from 'vitest';
import type { HostRun } from '../rollout-store.ts';
import { hostRun } from '../../../test/support/host-run.ts';
import { completedText, endVerdict } from './end-decision.ts';

/** How a change ends, from its host runs: table in, verdict out. */
const run = (host: string, state: HostRun['state'], error: string | null = null): HostRun => hostRun(host, state, { error });

describe('endVerdict', () => {
  const cases: Array<[string, HostRun[], boolean, 'completed' | 'failed', number]> = [
    ['every host verified: completed', [run('a', 'verified'), run('b', 'not-needed')], false, 'completed', 0],
    ['a dry run: completed (nothing failed)', [run('a', 'dry-run'), run('b', 'dry-run')], false, 'completed', 0],
    ['one failure inside the budget, one patched: completed with 1 failed host', [run('a', 'verified'), run('b', 'failed')], false, 'completed', 1],
    ['a failure someone went past still counts', [run('a', 'verified'), run('b', 'accepted')], false, 'completed', 1],
    ['no host patched, one failed: failed', [run('a', 'failed'), run('b', 'not-needed')], false, 'failed', 1],
    ['still missing after the rescan on every host: failed', [run('a', 'still-missing'), run('b', 'smoke-failed')], false, 'failed', 2],
    ['a rollback with one host not restored: failed, though the others were', [run('a', 'verified'), run('b', 'failed')], true, 'failed', 1],
    ['a rollback of its only host that failed: failed (issue #19)', [run('a', 'failed', 'rollback needs advisories')], true, 'failed', 1],
    ['a rollback that restored every host: completed', [run('a', 'verified')], true, 'completed', 0],
  ];
  it.each(cases)('%s', (_, runs, rollback, state, failed) => {
    const verdict = endVerdict(runs, rollback);
    expect(verdict.state).toBe(state);
    expect(verdict.failed).toHaveLength(failed);
    if (verdict.state === 'failed') expect(verdict.reason).toContain(verdict.failed.map((r) => r.host).join(', '));
  });

  it('names the failed hosts in completed text', () => {
    expect(completedText(0)).toBe('completed');
    expect(completedText(1)).toBe('completed with 1 failed host');
    expect(completedText(3)).toBe('completed with 3 failed hosts');
  });
});
