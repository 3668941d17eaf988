import type { ChangeState } from './change.ts';

/** One move of a change, as transitionChange wrote it. */
export interface ChangeMove {
  changeId: string;
  from: ChangeState;
  to: ChangeState;
  actor: string;
  at: Date;
  data: Record<string, unknown>;
}

/**
 * Who else must hear of a move inside the transaction that made it, so what they record commits
 * with the move or not at all: today ticket sync's outbox (DESIGN §6). Declared here so that
 * src/changes knows no ticket; the wiring (src/patchbot-store.ts) binds it to each transaction.
 */
export interface ChangeFollowers {
  moved(move: ChangeMove): Promise<void>;
}

export interface FollowedChanges {
  changeFollowers: ChangeFollowers;
}
