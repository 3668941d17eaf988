import type { Change } from '../../changes/change.ts';
import { transitionChange } from '../../changes/transition.ts';
import type { HostRun, RolloutProgress } from '../rollout-store.ts';
import type { RolloutPlan } from '../rollout-plan.ts';
import type { Effect } from './effects.ts';
import type { RolloutDeps, RolloutTx } from './rollout-deps.ts';

/** The moment-to-moment state the steps share; they mutate `progress` and push effects. */
export interface Step {
  tx: RolloutTx;
  deps: RolloutDeps;
  change: Change;
  plan: RolloutPlan;
  progress: RolloutProgress;
  now: Date;
  effects: Effect[];
}

/** States in which a change still has rollout work ahead. */
export const ACTIVE: readonly Change['state'][] = ['approved', 'scheduled', 'running', 'paused'];

/** Posts a status once: the same line is not repeated on every sweep. */
export const say = (step: Step, title: string, text: string) => {
  if (step.progress.status === `${title}|${text}`) return;
  step.progress.status = `${title}|${text}`;
  step.effects.push({ kind: 'status', change: step.change, title, text });
};

export const move = async (step: Step, to: Change['state'], data: Record<string, unknown> = {}) => {
  await transitionChange(step.tx, step.change, to, 'patchbot', step.now, data);
  step.change = { ...step.change, state: to };
};

export const halt = async (step: Step, reason: string, runs: readonly HostRun[]) => {
  await move(step, 'halted', { reason });
  step.progress.haltReason = reason;
  step.progress.status = null;
  const failed = runs.filter((r) => r.state === 'failed' || r.state === 'smoke-failed' || r.state === 'still-missing');
  step.effects.push({ kind: 'halted', change: step.change, reason, failed });
};
