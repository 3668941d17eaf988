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
 * - Rollback of a completed change is its own linked change, so `completed` stays terminal.
 */
const transitions: Record<ChangeState, readonly ChangeState[]> = {
  draft: ['pending-approval', 'cancelled'],
  'pending-approval': ['approved', 'rejected', 'expired', 'cancelled'],
  approved: ['scheduled', 'cancelled'],
  scheduled: ['running', 'cancelled'],
  running: ['paused', 'completed', 'halted', 'failed', 'cancelled'],
  paused: ['running', 'cancelled', 'halted'],
  halted: ['running', 'rolled-back', 'cancelled', 'failed'],
  completed: [],
  rejected: [],
  expired: [],
  cancelled: [],
  failed: [],
  'rolled-back': [],
};

export const nextStates = (state: ChangeState): readonly ChangeState[] => transitions[state];

export const canTransition = (from: ChangeState, to: ChangeState): boolean => transitions[from].includes(to);

export const isTerminal = (state: ChangeState): boolean => transitions[state].length === 0;

/** Throws IllegalTransitionError unless `from → to` is in the table (same-state moves included). */
export const assertTransition = (changeId: string, from: ChangeState, to: ChangeState): void => {
  if (!canTransition(from, to)) throw new IllegalTransitionError(changeId, from, to);
};
