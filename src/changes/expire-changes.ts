import type { Transactional } from '../store/transactional.ts';
import type { ChangeRepos } from './change-store.ts';
import { isExpired } from './tally.ts';
import { transitionChange, type TransitionTx } from './transition.ts';

/** Moves every undecided change whose approval deadline has passed to `expired`; returns their ids. */
export const expireChanges = async (store: Pick<ChangeRepos, 'changes'> & Transactional<TransitionTx>, now = new Date()): Promise<string[]> => {
  const pending = await store.changes.list({ states: ['pending-approval'], limit: 1000 });
  const expired: string[] = [];
  for (const candidate of pending.filter((c) => isExpired(c, now))) {
    const moved = await store.transaction(async (tx) => {
      // Re-read under lock: a deciding vote may have landed since the list was read.
      const change = await tx.changes.getForUpdate(candidate.id);
      if (!change || change.state !== 'pending-approval' || !isExpired(change, now)) return false;
      await transitionChange(tx, change, 'expired', 'patchbot', now, { reason: 'approval window elapsed', expiresAt: change.expiresAt });
      return true;
    });
    if (moved) expired.push(candidate.id);
  }
  return expired;
};
