import { ConcurrentUpdateError } from '../shared/errors.ts';
import type { Store } from '../store/store.ts';
import { appendTransitionEvent } from '../tickets/outbox-events.ts';
import type { Change, ChangeState } from './change.ts';
import { assertTransition } from './state-machine.ts';

/**
 * The one way a change moves: legal per the state machine, compare-and-set in the store, and
 * audited in the same transaction — persisted before any side effect the caller runs afterwards.
 */
export const transitionChange = async (
  tx: Store,
  change: Pick<Change, 'id' | 'state'>,
  to: ChangeState,
  actor: string,
  at: Date,
  data: Record<string, unknown> = {},
): Promise<void> => {
  assertTransition(change.id, change.state, to);
  if (!(await tx.changes.setState(change.id, change.state, to, at))) throw new ConcurrentUpdateError(`Change ${change.id}`);
  await tx.audit.append({ actor, action: `change.${to}`, subject: change.id, data: { from: change.state, ...data }, at });
  // Ticket sync (DESIGN §6): what the ticket must hear joins its outbox in this same transaction.
  await appendTransitionEvent(tx, change.id, change.state, to, actor, at, data);
};
