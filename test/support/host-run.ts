import type { HostRun } from '../../src/rollouts/rollout-store.ts';

/** A host run of CHG-1 in `state`, first attempt, nothing recorded: what the unit tables start from. */
export const hostRun = (host: string, state: HostRun['state'], over: Partial<HostRun> = {}): HostRun => ({
  changeId: 'CHG-1',
  host,
  wave: 0,
  batch: 0,
  state,
  attempt: 1,
  leaseUntil: null,
  startedAt: null,
  finishedAt: null,
  result: null,
  error: null,
  ...over,
});
