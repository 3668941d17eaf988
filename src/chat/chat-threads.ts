import type { MessageRef } from './chat-surface.ts';

/**
 * Where threads live on each surface. The first card posted with a thread key (`change:CHG-7`,
 * the approval card) is the thread's root: later cards with that key are replies to it, and a
 * refresh of the thread edits the root on every surface.
 */
export interface ChatThreadRepository {
  /** Records a root; returns the existing root instead when another replica recorded one first. */
  claimRoot(threadKey: string, ref: MessageRef, at: Date): Promise<MessageRef>;
  /** The roots of a thread on every surface and channel it was posted to. */
  roots(threadKey: string): Promise<MessageRef[]>;
}

export interface ChatThreadRepos {
  chatThreads: ChatThreadRepository;
}
