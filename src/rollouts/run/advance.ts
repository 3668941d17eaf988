import type { RolloutProgress } from '../rollout-store.ts';
import { RolloutPlan } from '../rollout-plan.ts';
import { driveWave } from './drive-wave.ts';
import { type Effect, performEffects } from './effects.ts';
import { clockOf, type RolloutDeps } from './rollout-deps.ts';
import { ACTIVE, halt, move, say, type Step } from './step.ts';
import { windowCheck } from './window-check.ts';

/** Waits for the window: posts why and when it opens, and wakes the change then. */
const waitForWindow = (step: Step, text: string, at: Date | null | undefined) => {
  say(step, 'waiting for its window', text);
  if (at) step.effects.push({ kind: 'wake', at });
};

const decide = async (step: Step): Promise<void> => {
  const { progress } = step;
  if (step.change.state === 'approved') {
    await move(step, 'scheduled');
    progress.waitingSince ??= step.now;
  }
  if (step.change.state === 'scheduled' || step.change.state === 'paused') {
    // A pause by hand waits for a person; a pause at the window's end waits for the next opening.
    if (step.change.state === 'paused' && progress.pausedBy !== 'window') return;
    const decision = windowCheck(step.deps.config, step.change, progress, step.now);
    if (!decision.may) return waitForWindow(step, decision.text, decision.nextOpening?.start);
    await move(step, 'running', { window: decision.text });
    progress.openingStart = decision.opening?.start ?? null;
    progress.pausedBy = null;
    progress.waitingSince = null;
    if (progress.phase === 'waiting') progress.phase = 'running';
    say(step, 'running', decision.text);
  }
  if (step.change.state === 'running') await driveWave(step);
};

/**
 * Moves an approved change one step on: into its window, through its waves, to its end. Safe to
 * call any time and from any replica: the change row is locked while deciding, every transition
 * is committed before its effects run, and a call with nothing to do does nothing.
 */
export const advanceRollout = async (deps: RolloutDeps, changeId: string): Promise<void> => {
  const now = clockOf(deps)();
  const effects: Effect[] = [];
  await deps.store.transaction(async (tx) => {
    const change = await tx.changes.getForUpdate(changeId);
    if (!change || !ACTIVE.includes(change.state)) return;
    const progress: RolloutProgress = (await tx.rollouts.progressForUpdate(changeId)) ?? {
      changeId, wave: 0, phase: 'waiting', scanId: null, soakUntil: null, openingStart: null, waitingSince: null, pausedBy: null, haltReason: null, status: null, updatedAt: now,
    };
    const parsed = RolloutPlan.safeParse(change.plan);
    const step: Step = { tx, deps, change, plan: parsed.success ? parsed.data : (undefined as never), progress, now, effects };
    if (!parsed.success) {
      if (change.state === 'running') await halt(step, 'The change has no valid wave plan; it cannot run.', []);
      else await move(step, 'cancelled', { reason: 'no valid wave plan' });
    } else {
      await decide(step);
    }
    progress.updatedAt = now;
    await tx.rollouts.saveProgress(progress);
  });
  if (effects.length) await performEffects(deps, changeId, effects);
};
