import { randomUUID } from 'node:crypto';
import type { Actor } from '../../src/chat/actor.ts';
import type { Interaction } from '../../src/chat/interaction.ts';
import { baseOf, isChannel, threadRootOf } from './conversations.ts';
import { choiceInputId } from './adaptive-card.ts';
import type { Activity, ExecuteValue } from './schema.ts';

/**
 * Teams activities → the one Interaction shape the dispatcher knows. The id is the activity id,
 * identical on a redelivery, so the dispatcher's claim in the store drops the second one on any
 * replica and after a restart; a second click is a new activity with a new id.
 */

const ENTITIES: Record<string, string> = { '&nbsp;': ' ', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&amp;': '&' };

/** Teams sends channel messages as HTML: mentions are already gone (removeRecipientMention), tags and entities go here. */
export const plainText = (text: string): string =>
  text
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&(nbsp|lt|gt|quot|#39|amp);/g, (entity) => ENTITIES[entity] ?? entity)
    .trim();

/**
 * A mention in a channel is answered in that message's thread: a top-level mention starts a thread
 * whose root is the message itself, so the root is the `;messageid=` of the conversation, else the
 * activity. A 1:1 or group chat has no threads.
 */
const threadOf = (activity: Activity) => {
  const conversation = activity.conversation.id;
  if (!isChannel(conversation)) return {};
  const root = threadRootOf(conversation) ?? activity.id;
  return root ? { thread: { surface: 'teams' as const, channel: baseOf(conversation), id: root } } : {};
};

export const questionInteraction = (activity: Activity, text: string, actor: Actor, now: Date): Interaction => ({
  id: `message:${activity.id ?? randomUUID()}`,
  surface: 'teams',
  channel: baseOf(activity.conversation.id),
  actor,
  kind: 'question',
  text: plainText(text),
  ...threadOf(activity),
  receivedAt: now,
});

/** The pick of the action's Input.ChoiceSet, which Teams merges into `data` under the input's id. */
const choiceIn = (value: ExecuteValue): { choice?: string } => {
  const picked = (value.action.data as Record<string, unknown> | undefined)?.[choiceInputId(value.action.verb)];
  return typeof picked === 'string' && picked ? { choice: picked } : {};
};

/** An Action.Execute click: the verb is the card action's id, `data.value` its value. */
export const actionInteraction = (activity: Activity, value: ExecuteValue, actor: Actor, now: Date): Interaction => {
  const channel = baseOf(activity.conversation.id);
  return {
    id: `invoke:${activity.id ?? randomUUID()}`,
    surface: 'teams',
    channel,
    actor,
    kind: 'action',
    action: { id: value.action.verb, value: value.action.data?.value ?? '', ...choiceIn(value) },
    // The card's own activity: the handler edits it in place for everyone.
    ...(activity.replyToId ? { message: { surface: 'teams' as const, channel, id: activity.replyToId } } : {}),
    // A public answer to a click (the next page of a list) is a reply in the card's thread: its root, not the card.
    ...(isChannel(activity.conversation.id) && (threadRootOf(activity.conversation.id) ?? activity.replyToId)
      ? { thread: { surface: 'teams' as const, channel, id: (threadRootOf(activity.conversation.id) ?? activity.replyToId)! } }
      : {}),
    receivedAt: now,
  };
};
