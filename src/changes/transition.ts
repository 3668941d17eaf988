import type { AuditRepos } from '../audit/audit-store.ts';
import { ConcurrentUpdateError } from '../shared/errors.ts';
import type { Change, ChangeState } from './change.ts';
import type { FollowedChanges } from './change-moves.ts';
import type { ChangeRepos } from './change-store.ts';
import { assertTransition } from './state-machine.ts';

/** What a move writes to: the change, the audit log, and whoever follows changes. */
export type TransitionTx = Pick<ChangeRepos, 'changes'> & AuditRepos & FollowedChanges;

/**
 * The one way a change moves: legal per the state machine, compare-and-set in the store, and
 * audited in the same transaction — persisted before any side effect the caller runs afterwards.
 */
export const transitionChange = async (
  tx: TransitionTx,
  change: Pick<Change, 'id' | 'state'>,
  to: ChangeState,
  actor: string,
  at: Date,
  data: Record<string, unknown> = {},
): Promise<void> => {
  assertTransition(change.id, change.state, to);
  if (!(await tx.changes.setState(change.id, change.state, to, at))) throw new ConcurrentUpdateError(`Change ${change.id}`);
  await tx.audit.append({ actor, action: `change.${to}`, subject: change.id, data: { from: change.state, ...data }, at });
  // Its followers record in this same transaction (ticket sync: what the ticket must hear, DESIGN §6).
  await tx.changeFollowers.moved({ changeId: change.id, from: change.state, to, actor, at, data });
};
