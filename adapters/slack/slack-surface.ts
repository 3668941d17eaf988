import type { webApi } from '@slack/bolt';
import type { Card } from '../../src/chat/card.ts';
import type { ChatSurface, MessageRef, ThreadTarget } from '../../src/chat/chat-surface.ts';
import type { ChatThreadRepos } from '../../src/chat/chat-threads.ts';
import { renderCard } from './block-kit.ts';
import { type ChannelLanes, createChannelLanes, type LaneOptions } from '../../src/shared/channel-lanes.ts';
import { createCoalescer } from '../../src/shared/coalescer.ts';
import { SlackApiError, slackCall } from './errors.ts';
import { PostedMessage } from './schema.ts';

export interface SlackSurfaceOptions {
  /** A WebClient holding the bot token; it waits out 429s itself (Retry-After, then retries). */
  client: webApi.WebClient;
  store: ChatThreadRepos;
  pacing?: LaneOptions;
}

export interface SlackSurface extends ChatSurface {
  /** Resolves once every queued post and edit has been sent (shutdown). */
  idle(): Promise<void>;
}

/** Links in our cards are references, not invitations to preview a page in the channel. */
const NO_UNFURL = { unfurl_links: false, unfurl_media: false } as const;

/**
 * The ChatSurface port over the Slack Web API: posts through a paced lane per channel, edits
 * coalesced per message (the newest card wins), private answers with chat.postEphemeral.
 * Thread keys resolve through the store, so any replica replies under the same root.
 */
export const createSlackSurface = ({ client, store, pacing }: SlackSurfaceOptions): SlackSurface => {
  const lanes: ChannelLanes = createChannelLanes(pacing);
  const edits = createCoalescer<{ ref: MessageRef; card: Card }>(async (_key, { ref, card }) => {
    await slackCall('chat.update', () => client.chat.update({ channel: ref.channel, ts: ref.id, ...renderCard(card) }));
  });

  const rootOf = async (thread: ThreadTarget): Promise<MessageRef> => {
    if ('id' in thread) return thread;
    const root = (await store.chatThreads.roots(thread.threadKey)).find((r) => r.surface === 'slack' && r.channel === thread.channel);
    if (!root) throw new SlackApiError('chat.postMessage', 'thread_not_found', `No Slack thread ${thread.threadKey} in ${thread.channel} yet.`);
    return root;
  };

  const post = async (channel: string, card: Card, threadTs?: string): Promise<MessageRef> => {
    const message = renderCard(card);
    const posted = await lanes.run(channel, () =>
      slackCall('chat.postMessage', () => client.chat.postMessage({ channel, ...message, ...NO_UNFURL, ...(threadTs ? { thread_ts: threadTs } : {}) })),
    );
    const { ts } = PostedMessage.parse(posted);
    // Keep the channel as configured (an ID): the hub finds thread roots by it.
    return { surface: 'slack', channel, id: ts };
  };

  return {
    name: 'slack',
    async post(channel, card, options) {
      const root = options?.thread ? await rootOf(options.thread) : undefined;
      return post(channel, card, root?.id);
    },
    async update(ref, card) {
      await edits.submit(`${ref.channel}/${ref.id}`, { ref, card });
    },
    async reply(thread, card) {
      const root = await rootOf(thread);
      return post(root.channel, card, root.id);
    },
    async direct(person, card) {
      // A user id as the channel reaches the person's DM with the app (scope chat:write).
      if (!person.slack) return false;
      await lanes.run(person.slack, () => slackCall('chat.postMessage', () => client.chat.postMessage({ channel: person.slack!, ...renderCard(card), ...NO_UNFURL })));
      return true;
    },
    async ephemeral(channel, to, card) {
      await slackCall('chat.postEphemeral', () => client.chat.postEphemeral({ channel, user: to.surfaceUserId, ...renderCard(card) }));
    },
    async idle() {
      await Promise.all([lanes.idle(), edits.idle()]);
    },
  };
};
