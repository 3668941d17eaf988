import type { Logger } from '../shared/logger.ts';
import type { Card } from './card.ts';
import type { MessageRef } from './chat-surface.ts';
import type { Intent, IntentKind, IntentOf } from './intent.ts';
import type { Interaction } from './interaction.ts';
import type { ChatStore } from './chat-store.ts';

/**
 * What the dispatcher hands back to a surface. The surface decides how: Slack answers a command
 * through response_url or chat.postMessage, Teams in the turn, the CLI on stdout.
 */
export interface Reply {
  /** For the channel (in the thread of its `threadKey`, if any). */
  public?: Card;
  /** Only for the person who asked or clicked: refusals, errors, help. */
  private?: Card;
  /** An edit of a posted card: a vote recorded, a decision locking the buttons. */
  update?: { ref: MessageRef; card: Card };
  /** For the team, wherever it is: posted to a role channel on every surface (the approval card, a decision). */
  broadcast?: Broadcast[];
  /**
   * Direct messages to configured people on every surface that reaches them (emergency
   * notifications). `unreached`: where to say so when no surface reaches a person (a channel
   * role and the thread of the change), so the requester does not assume they were told.
   */
  direct?: Array<{ person: string; card: Card; unreached?: { channel: ChannelRole; threadKey: string } }>;
  /** Edits the root card of a thread on every surface it was posted to (the approval card after a vote). */
  refresh?: { threadKey: string; card: Card };
  /** The same answer as structured data, for `patchbot ask --json` and the console API. */
  data?: Record<string, unknown>;
  /** What the text was understood as. */
  intent?: Intent;
  /** Set when nothing was answered: a refusal, a bad command, a failure. The CLI exits 1. */
  error?: { code: string; message: string; ref: string; suggestions?: string[] };
  /** A retried delivery of an interaction already handled: send nothing. */
  duplicate?: true;
  /**
   * Runs after the reply is delivered: work the reply starts (a rollout kicked off by the
   * deciding vote) must not post into the thread before the decision itself.
   */
  followUp?: () => Promise<void>;
}

/** The channels patchbot posts to by itself; each surface's config names its own. */
export type ChannelRole = 'announce' | 'approvals';

/**
 * A post to a role channel on every surface. A card with a `threadKey` seen there before is a
 * reply in that thread; the first card with a key becomes the thread's root.
 */
export interface Broadcast {
  channel: ChannelRole;
  card: Card;
}

export interface HandlerContext {
  interaction: Interaction;
  store: ChatStore;
  now: Date;
  /** A child logger carrying the interaction id and correlation ref. */
  log: Logger | undefined;
}

export type IntentHandler<K extends IntentKind> = (intent: IntentOf<K>, context: HandlerContext) => Promise<Reply>;

/**
 * Use cases by intent kind. Each feature contributes its part (read-only answers here, changes
 * and compliance in their own modules); `chatHandlers` merges them for every surface and the CLI.
 */
export type HandlerRegistry = { [K in IntentKind]?: IntentHandler<K> };

/** A button click: the card's action id selects the handler, its value says on what. */
export type ActionHandler = (action: { id: string; value: string; choice?: string }, context: HandlerContext) => Promise<Reply>;
export type ActionRegistry = Record<string, ActionHandler>;
