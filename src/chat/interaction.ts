import { randomUUID } from 'node:crypto';
import type { Person } from '../people/person.ts';
import type { Actor } from './actor.ts';
import type { MessageRef, SurfaceName } from './chat-surface.ts';

export type InteractionKind = 'command' | 'question' | 'action';

/**
 * One inbound event, whatever the surface: a `/patch …` command, a plain question (a mention or a
 * direct message), or a button click. Each surface adapter builds exactly this and nothing more.
 */
export interface Interaction {
  /**
   * Stable across retried deliveries of the same event and different for a new click, so the
   * dispatcher can drop retries (Slack: event_id, or action_ts + user + action_id).
   */
  id: string;
  surface: SurfaceName;
  channel: string;
  actor: Actor;
  kind: InteractionKind;
  /** Command text without the `/patch` prefix, or the question as typed. */
  text?: string;
  /** The clicked button: its action id and value, as the card set them, and the choice picked (an action with `choices`). */
  action?: { id: string; value: string; choice?: string };
  /** The message the button sat on, so a handler can update it in place. */
  message?: MessageRef;
  /** The thread a question was asked in (its root): the public answer goes there, not to the channel. */
  thread?: MessageRef;
  receivedAt: Date;
}

/** The CLI's interaction: `patchbot ask "…"` takes the same path as chat. */
export const cliInteraction = (text: string, person: Person | null = null, now = new Date()): Interaction => ({
  id: randomUUID(),
  surface: 'cli',
  channel: 'cli',
  actor: { person, surfaceUserId: 'cli', displayName: person?.name ?? 'cli' },
  kind: 'question',
  text,
  receivedAt: now,
});
