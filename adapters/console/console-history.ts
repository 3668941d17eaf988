import type { AccessTokenRepos } from '../../src/people/access-tokens.ts';
import type { SignInSessionRepos } from '../../src/people/sign-in-sessions.ts';
import type { ChangeRepos } from '../../src/changes/change-store.ts';
import type { Card } from '../../src/chat/card.ts';
import type { ChatThreadRepos } from '../../src/chat/chat-threads.ts';
import type { ComplianceStore } from '../../src/compliance/report.ts';
import type { PeopleRepos } from '../../src/people/people-store.ts';
import type { RolloutRepos } from '../../src/rollouts/rollout-store.ts';
import type { IdempotencyRepos } from '../../src/store/idempotency.ts';

/**
 * The console's history: what the console needs from storage, declared here because only the
 * console uses it. It lives in the store so every replica serves the same channels; the store
 * keeps the card as the JSON the chat feature made (adapters/postgres implements this port).
 */

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

export interface ConsoleHistory {
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
  /** Every message inserted or edited above `revision`, private ones included: the one shared change feed fans them out. */
  allChangedSince(revision: number, limit: number): Promise<ConsoleMessage[]>;
  /** The highest revision so far (0 when empty): where a new live view starts. */
  latestRevision(): Promise<number>;
}

export interface ConsoleHistoryRepos {
  consoleMessages: ConsoleHistory;
}

/** What the console reads and writes: the features' repositories it shows, and its own history. */
export type ConsoleStore = PeopleRepos &
  AccessTokenRepos &
  SignInSessionRepos &
  IdempotencyRepos &
  ChatThreadRepos &
  Pick<ChangeRepos, 'changes'> &
  RolloutRepos &
  ComplianceStore &
  ConsoleHistoryRepos;
