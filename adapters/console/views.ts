import type { Card } from '../../src/chat/card.ts';
import type { ConsoleMessage } from './console-history.ts';
import { CONSOLE_CHANNELS, directChannel } from './console-surface.ts';

/** A message as the API and the event stream send it. */
export interface MessageView {
  id: string;
  channel: string;
  threadOf: string | null;
  author: string;
  text: string | null;
  card: Card | null;
  /** Only the viewer sees it ("Only visible to you"). */
  private: boolean;
  postedAt: string;
  updatedAt: string;
  edited: boolean;
  revision: number;
}

export const messageView = (m: ConsoleMessage): MessageView => ({
  id: m.id,
  channel: m.channel,
  threadOf: m.threadOf,
  author: m.author,
  text: m.text,
  card: m.card,
  private: m.visibleTo !== null,
  postedAt: m.postedAt.toISOString(),
  updatedAt: m.updatedAt.toISOString(),
  edited: m.updatedAt.getTime() !== m.postedAt.getTime(),
  revision: m.revision,
});

/**
 * The store's visibility rule (chat-repos), for messages pushed in-process that never went through
 * a query: private replies and `dm:` channels only for their person.
 */
export const visibleTo = (m: ConsoleMessage, viewer: string): boolean =>
  (m.visibleTo === null || m.visibleTo === viewer) && (!m.channel.startsWith('dm:') || m.channel === directChannel(viewer));

export interface ChannelView {
  name: string;
  title: string;
  kind: 'channel' | 'direct';
  topic: string;
}

/** What a person sees in the sidebar: the shared channels and their own conversation with the bot. */
export const channelsOf = (person: string): ChannelView[] => [
  { name: CONSOLE_CHANNELS.announce, title: CONSOLE_CHANNELS.announce, kind: 'channel', topic: 'Digests of newly discovered patches' },
  { name: CONSOLE_CHANNELS.approvals, title: CONSOLE_CHANNELS.approvals, kind: 'channel', topic: 'Approval cards, votes and decisions' },
  { name: directChannel(person), title: 'patchbot', kind: 'direct', topic: 'Ask patchbot anything; only you see this conversation' },
];
