import type { RolloutProgress } from '../rollout-store.ts';
import { RolloutPlan } from '../rollout-plan.ts';
import { driveWave } from './drive-wave.ts';
import { type Effect, performEffects } from './effects.ts';
import { clockOf, type RolloutDeps } from './rollout-deps.ts';
import { ACTIVE, halt, move, say, type Step } from './step.ts';
import { windowCheck } from './window-check.ts';
import { nextAdvanceAction } from './advance-decision.ts';
import { budgetVerdict } from './wave-decision.ts';
import { hostText } from '../../shared/host-text.ts';

/** Waits for the window: posts why and when it opens, and wakes the change then. */
const waitForWindow = (step: Step, text: string, at: Date | null | undefined) => {
  // A window's text names the requester of an immediate start (start-decision.ts): host text in the card.
  say(step, 'waiting for its window', hostText(text));
  if (at) step.effects.push({ kind: 'wake', at });
};

/**
 * A paused change still has hosts that were running when it paused: one that fails afterwards
 * halts the change now, with its card and ticket note, instead of at the next opening (a week
 * later, and after a "Resumed" it never earned). Hosts not yet judged wait, as they would running.
 */
const haltPausedOnFailure = async (step: Step): Promise<boolean> => {
  const { progress, plan, change } = step;
  const wave = plan.waves[progress.wave];
  if (change.state !== 'paused' || progress.phase !== 'running' || !wave) return false;
  const runs = (await step.tx.rollouts.runs(change.id)).filter((r) => r.wave === progress.wave);
  const reason = budgetVerdict(wave, runs);
  if (!reason) return false;
  await halt(step, reason, runs);
  return true;
};

const decide = async (step: Step): Promise<void> => {
  const { progress } = step;
  if (step.change.state === 'approved') {
    await move(step, 'scheduled');
    progress.waitingSince ??= step.now;
  }
  if (await haltPausedOnFailure(step)) return;
  const action = nextAdvanceAction(step.change.state, progress.pausedBy, windowCheck(step.deps.config, step.change, progress, step.now));
  if (action.kind === 'none' || action.kind === 'hold') return;
  if (action.kind === 'wait-for-window') return waitForWindow(step, action.window.text, action.window.nextOpening?.start);
  if (action.kind === 'start') {
    await move(step, 'running', { window: action.window.text });
    progress.openingStart = action.window.opening?.start ?? null;
    progress.pausedBy = null;
    progress.waitingSince = null;
    if (progress.phase === 'waiting') progress.phase = 'running';
    say(step, 'running', hostText(action.window.text));
  }
  await driveWave(step);
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
      changeId,
      wave: 0,
      phase: 'waiting',
      scanId: null,
      soakUntil: null,
      openingStart: null,
      waitingSince: null,
      pausedBy: null,
      haltReason: null,
      status: null,
      updatedAt: now,
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
