import { PatchbotError } from '../shared/errors.ts';
import type { Card } from './card.ts';
import type { Person } from '../people/person.ts';
import type { Actor } from './actor.ts';

export type SurfaceName = 'slack' | 'teams' | 'console' | 'cli';

/** A posted message, enough to edit it or reply under it later (persist it with the change). */
export interface MessageRef {
  surface: SurfaceName;
  /** Slack channel id, Teams conversation id, console channel name. */
  channel: string;
  /** Slack `ts`, Teams activity id, console message id. */
  id: string;
}

/**
 * Where a threaded reply goes: under a known message, or under the first message posted with the
 * card's `threadKey` (`change:CHG-7`) in that channel — the surface keeps that mapping, so a
 * restarted replica still finds the change's thread.
 */
export type ThreadTarget = MessageRef | { channel: string; threadKey: string };

export interface PostOptions {
  thread?: ThreadTarget;
}

/**
 * The ChatSurface port: what features need from Slack, Teams and the console, in our words.
 *
 * Limits an implementation must honour (reference/integrations.md §1–2), so callers need not:
 * - Rate: Slack `chat.postMessage` ~1 message/s per channel with short bursts (429 + Retry-After),
 *   Teams ~30–50 requests/s per app per tenant plus per-thread limits. Implementations queue per
 *   channel, wait out Retry-After, and throw SurfaceRateLimitedError only when a caller's deadline
 *   would pass. Prefer `update` of one status card over new posts; progress goes in one thread.
 * - Size: Slack 50 blocks, 3,000 chars per section, 25 buttons, button value 2,000; Teams cards
 *   ~28 KB. Cards are built within CARD_LIMITS; a renderer that still overflows truncates lists
 *   with "+N more" rather than failing, and throws MessageTooLargeError only when it cannot.
 * - Deadlines: Slack must be acked within 3 s and Teams answered within ~10 s. Adapters ack first;
 *   these methods are for the work after the ack and may take longer.
 * - Ephemeral messages cannot be edited by `update` on Slack (only through response_url); Teams
 *   has no ephemeral messages, so its adapter sends them as a 1:1 message to the person.
 */
export interface ChatSurface {
  readonly name: SurfaceName;
  /** Posts a card to a channel (in a thread when asked) and returns where it landed. */
  post(channel: string, card: Card, options?: PostOptions): Promise<MessageRef>;
  /** Replaces a posted card in place: votes, progress, decisions. */
  update(ref: MessageRef, card: Card): Promise<void>;
  /** Replies in a thread; starts it when the thread key has no message yet. */
  reply(thread: ThreadTarget, card: Card): Promise<MessageRef>;
  /** A message only `to` sees: refusals, errors, help. Not editable afterwards. */
  ephemeral(channel: string, to: Actor, card: Card): Promise<void>;
  /**
   * A direct message to a configured person (an emergency's notification), where the surface
   * knows them: the console's `dm:<name>`, Slack's DM with `people[].slack`. Returns false when
   * this surface cannot reach the person.
   */
  direct?(person: Person, card: Card): Promise<boolean>;
}

/** The surface said "slow down" (HTTP 429); retry after `retryAfterMs`. */
export class SurfaceRateLimitedError extends PatchbotError {
  readonly retryAfterMs: number;
  constructor(surface: SurfaceName, retryAfterMs: number) {
    super('rate-limited', `${surface} is rate limiting patchbot; retrying in ${Math.ceil(retryAfterMs / 1000)} s.`);
    this.retryAfterMs = retryAfterMs;
  }
}

/** A card that no truncation could fit (its title and actions alone are too big). */
export class MessageTooLargeError extends PatchbotError {
  constructor(surface: SurfaceName, detail: string) {
    super('message-too-large', `The message is too large for ${surface}: ${detail}.`, 'Split it into a summary card and a thread.');
  }
}
