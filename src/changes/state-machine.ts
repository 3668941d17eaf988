import type { ChangeState } from './change.ts';
import { IllegalTransitionError } from '../shared/errors.ts';

/**
 * Every legal move of a change (DESIGN §3). Anything not listed is illegal and `assertTransition`
 * throws: a transition that silently does nothing would hide double clicks and racing workers.
 *
 * - Pre-approved standard changes (policy `required: 0`) still go draft → pending-approval →
 *   approved, in one transaction, so the audit trail shows the same steps as a voted change.
 * - `halted` waits for a human: Resume (→ running), Roll back (→ rolled-back), Abort (→ cancelled),
 *   or → failed when the rollback itself cannot start.
 * - `paused` is the window closing or a human pause; a smoke check failing meanwhile halts it.
 * - Rollback of an ended change (completed, cancelled, failed) is its own linked change; when it
 *   restores every host that ran the original, the original becomes `rolled-back` (#19: its state
 *   is the truth about its hosts). A partial rollback leaves it as it ended.
 */
const transitions: Record<ChangeState, readonly ChangeState[]> = {
  draft: ['pending-approval', 'cancelled'],
  'pending-approval': ['approved', 'rejected', 'expired', 'cancelled'],
  approved: ['scheduled', 'cancelled'],
  scheduled: ['running', 'cancelled'],
  running: ['paused', 'completed', 'halted', 'failed', 'cancelled'],
  paused: ['running', 'cancelled', 'halted'],
  halted: ['running', 'rolled-back', 'cancelled', 'failed'],
  completed: ['rolled-back'],
  rejected: [],
  expired: [],
  cancelled: ['rolled-back'],
  failed: ['rolled-back'],
  'rolled-back': [],
};

export const nextStates = (state: ChangeState): readonly ChangeState[] => transitions[state];

export const canTransition = (from: ChangeState, to: ChangeState): boolean => transitions[from].includes(to);

/** Ended: nothing moves it any more but a rollback restoring every host it touched. */
export const isTerminal = (state: ChangeState): boolean => transitions[state].every((to) => to === 'rolled-back');

/** Throws IllegalTransitionError unless `from → to` is in the table (same-state moves included). */
export const assertTransition = (changeId: string, from: ChangeState, to: ChangeState): void => {
  if (!canTransition(from, to)) throw new IllegalTransitionError(changeId, from, to);
};
