import { describe, expect, it } from 'vitest';
import type { HostRun } from '../rollout-store.ts';
import { ranChange } from './ran-change.ts';

/** Which host runs a rollback has something to undo on: table in, yes or no out. */
const run = (state: HostRun['state'], result: unknown, attempt = 1): HostRun => ({
  changeId: 'CHG-1',
  host: 'web-01',
  wave: 0,
  batch: 0,
  state,
  attempt,
  leaseUntil: null,
  startedAt: null,
  finishedAt: null,
  result,
  error: null,
});
const apply = (...steps: Array<[phase: string, ok: boolean]>) => ({
  params: { change: 'CHG-1' },
  runs: [{ playbook: 'apply-debian-packages', steps: steps.map(([phase, ok]) => ({ phase, ok })) }],
});

describe('ranChange', () => {
  it.each<[string, HostRun, boolean]>([
    ['patched and verified', run('verified', apply(['step', true], ['step', true])), true],
    ['applied, the wave halted before its rescan', run('applied', apply(['step', true])), true],
    ['failed at a later step (the record was written)', run('failed', apply(['step', true], ['step', false])), true],
    ['failed at its first step: nothing changed', run('failed', apply(['step', false])), false],
    ['unreachable: no playbook ran', run('failed', { runs: [] }), false],
    ['failed, accepted past: nothing ran', run('accepted', { runs: [] }), false],
    ['a dry run: would have run', run('dry-run', apply(['step', true])), true],
    ['rechecked after its worker died: patched by it', run('applied', { recheck: 'already patched, not run again', runs: [] }), true],
    ['needed none of it', run('not-needed', { runs: [] }), false],
    ['still queued', run('queued', null, 0), false],
    ['running now: may be applying', run('running', null), true],
    ['only a smoke check passed', run('failed', apply(['smoke', true])), false],
  ])('%s', (_, hostRun, expected) => {
    expect(ranChange(hostRun)).toBe(expected);
  });
});
