import type { Change } from '../../changes/change.ts';
import type { RolloutProgress } from '../rollout-store.ts';
import type { StartDecision } from '../start-decision.ts';
import type { WindowClosed, WindowOpen } from './wave-decision.ts';

/**
 * The decision half of advancing a change to its window (advance.ts carries it out): from the
 * change's state, why it is paused, and what its window says now.
 */
export type AdvanceAction =
  /** Not (or no longer) the rollout's to move: nothing happens. */
  | { kind: 'none' }
  /** Paused by a person: it waits for a person to resume it, whatever the window says. */
  | { kind: 'hold' }
  | { kind: 'wait-for-window'; window: WindowClosed }
  /** The window is open: the change starts running, then its wave is driven. */
  | { kind: 'start'; window: WindowOpen }
  | { kind: 'drive' };

/** `state` is the change's state after an approved change was scheduled. */
export const nextAdvanceAction = (state: Change['state'], pausedBy: RolloutProgress['pausedBy'], window: StartDecision): AdvanceAction => {
  if (state === 'running') return { kind: 'drive' };
  if (state !== 'scheduled' && state !== 'paused') return { kind: 'none' };
  // A pause by hand waits for a person; a pause at the window's end waits for the next opening.
  if (state === 'paused' && pausedBy !== 'window') return { kind: 'hold' };
  return window.may ? { kind: 'start', window } : { kind: 'wait-for-window', window };
};
