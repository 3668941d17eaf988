import type { Card } from '../chat/card.ts';
import type { MessageRef } from '../chat/chat-surface.ts';

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

/** One message in a console channel: the bot's cards and what people typed. */
export interface ConsoleMessage {
  id: string;
  channel: string;
  /** The root message when this is a reply in a thread. */
  threadOf: string | null;
  /** A person's name, or `patchbot`. */
  author: string;
  text: string | null;
  card: Card | null;
  /** A private reply: only this person sees it. Null: everyone in the channel. */
  visibleTo: string | null;
  postedAt: Date;
  updatedAt: Date;
  /** Grows on every insert and edit: live views ask for what changed after the last one seen. */
  revision: number;
}

export type NewConsoleMessage = Pick<ConsoleMessage, 'channel' | 'author' | 'postedAt'> & Partial<Pick<ConsoleMessage, 'threadOf' | 'text' | 'card' | 'visibleTo'>>;

/** The console's history. It lives in the store so every replica serves the same channels. */
export interface ConsoleMessageRepository {
  append(message: NewConsoleMessage): Promise<ConsoleMessage>;
  /** Replaces a message's card (a vote, a decision); null when there is no such message. */
  edit(id: string, card: Card, at: Date): Promise<ConsoleMessage | null>;
  get(id: string): Promise<ConsoleMessage | null>;
  /** The latest `limit` messages of a channel that `viewer` may see, oldest first. */
  recent(channel: string, viewer: string | null, limit: number): Promise<ConsoleMessage[]>;
  /**
   * Messages inserted or edited with a revision above `revision`, that `viewer` may see, oldest
   * revision first. Channels starting with `dm:` are private to the person they name.
   */
  changedSince(revision: number, viewer: string | null, limit: number): Promise<ConsoleMessage[]>;
  /** The highest revision so far (0 when empty): where a new live view starts. */
  latestRevision(): Promise<number>;
}
