import type { Change, ChangeState, Vote } from './change.ts';

/** Changes and their votes as the store keeps them. */

export interface ChangeFilter {
  states?: ChangeState[];
  limit?: number;
}

export interface ChangeRepository {
  /** Allocates the next human-friendly id (CHG-1, CHG-2, …). */
  nextId(): Promise<string>;
  create(change: Change): Promise<void>;
  get(id: string): Promise<Change | null>;
  /** Reads the change and locks it until the surrounding transaction ends (deciding votes, transitions). */
  getForUpdate(id: string): Promise<Change | null>;
  list(filter?: ChangeFilter): Promise<Change[]>;
  /** Compare-and-set: moves the change only if it is still in `from`; false when someone else moved it. */
  setState(id: string, from: ChangeState, to: ChangeState, at: Date): Promise<boolean>;
}

export interface VoteRepository {
  /** One vote per person per change: a later vote replaces the earlier one. */
  put(vote: Vote): Promise<void>;
  list(changeId: string): Promise<Vote[]>;
}

export interface ChangeRepos {
  changes: ChangeRepository;
  votes: VoteRepository;
}
