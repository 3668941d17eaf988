import type { Actor } from '../../src/chat/actor.ts';
import type { Interaction } from '../../src/chat/interaction.ts';
import { choiceOf } from './block-kit.ts';
import type { BlockActions, EventEnvelope, SlashCommand } from './schema.ts';

/**
 * Slack payloads → the one Interaction shape the dispatcher knows. The ids are what make retries
 * harmless: the dispatcher claims `chat:slack:<id>` in the store, so a redelivery is dropped on any
 * replica, even after a restart (integrations §1.4).
 *  - events: `event_id`, identical on every retry (X-Slack-Retry-Num 1, 2, 3);
 *  - commands: `trigger_id`, unique per invocation (Slack never retries commands);
 *  - clicks: `action_ts` + user + action_id — a redelivered payload repeats it, while a second
 *    click is a new request with its own `action_ts` (and a second vote simply replaces the first).
 */

/** `<@U0BOT>` mentions, `<#C1|name>` channels, `<https://x|label>` links, and Slack's three escapes. */
export const plainText = (text: string, botUserId: string): string =>
  text
    .replace(new RegExp(`<@${botUserId}(\\|[^>]*)?>`, 'g'), ' ')
    .replace(/<[@#!][^>|]*\|([^>]*)>/g, '$1')
    .replace(/<(https?:[^>|]*)(\|[^>]*)?>/g, (_m, url: string, label?: string) => (label ? label.slice(1) : url))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim();

export const commandInteraction = (command: SlashCommand, actor: Actor, now: Date): Interaction => ({
  id: `command:${command.trigger_id}`,
  surface: 'slack',
  channel: command.channel_id,
  actor,
  kind: 'command',
  text: command.text,
  receivedAt: now,
});

/** A mention in a channel or a direct message: a question, answered where it was asked. */
export const questionInteraction = (envelope: EventEnvelope, actor: Actor, botUserId: string, now: Date): Interaction => ({
  id: `event:${envelope.event_id}`,
  surface: 'slack',
  channel: envelope.event.channel,
  actor,
  kind: 'question',
  text: plainText(envelope.event.text, botUserId),
  ...(envelope.event.thread_ts ? { thread: { surface: 'slack' as const, channel: envelope.event.channel, id: envelope.event.thread_ts } } : {}),
  receivedAt: now,
});

export const actionInteraction = (payload: BlockActions, actor: Actor, now: Date): Interaction | null => {
  const action = payload.actions[0]!;
  const channel = payload.container?.channel_id ?? payload.channel?.id;
  if (!channel) return null;
  const ts = payload.container?.message_ts;
  // An ephemeral message cannot be edited with chat.update: the handler answers privately instead.
  const editable = ts !== undefined && payload.container?.is_ephemeral !== true;
  return {
    id: `action:${action.action_ts}:${payload.user.id}:${action.action_id}`,
    surface: 'slack',
    channel,
    actor,
    kind: 'action',
    action: { ...choiceOf(action.action_id), value: action.value },
    ...(editable ? { message: { surface: 'slack' as const, channel, id: ts } } : {}),
    // A public answer to a click (the next page of a list) goes in the card's thread, not the channel.
    ...(editable ? { thread: { surface: 'slack' as const, channel, id: payload.container?.thread_ts ?? ts } } : {}),
    receivedAt: now,
  };
};
