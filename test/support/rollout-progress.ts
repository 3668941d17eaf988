import type { RolloutProgress } from '../../src/rollouts/rollout-store.ts';

/** A change's progress as a wave in flight has it: wave 1 running, no soak, pause, halt or status; `patch` changes any of it. */
export const runningProgress = (changeId: string, updatedAt: Date, patch: Partial<RolloutProgress> = {}): RolloutProgress => ({
  changeId,
  wave: 1,
  phase: 'running',
  scanId: null,
  soakUntil: null,
  openingStart: null,
  waitingSince: null,
  pausedBy: null,
  haltReason: null,
  status: null,
  updatedAt,
  ...patch,
});
