import type { Card } from '../../src/chat/card.ts';
import type { ChatSurface, MessageRef, ThreadTarget } from '../../src/chat/chat-surface.ts';
import type { ConsoleHistory, ConsoleMessage, ConsoleStore } from './console-history.ts';

/** The console's fixed channels; direct conversations with the bot are `dm:<person>`. */
export const CONSOLE_CHANNELS = { announce: 'announce', approvals: 'approvals' } as const;
export const BOT_AUTHOR = 'patchbot';

export const directChannel = (person: string) => `dm:${person}`;

export interface ConsoleSurface extends ChatSurface {
  /** What the channels hold: the live views and the API read it, and tests assert on it. */
  readonly history: ConsoleHistory;
  /**
   * Called after every message this process writes, so live views push it at once; messages
   * written by other replicas arrive through the live view's polling of the store.
   */
  onMessage(listener: (message: ConsoleMessage) => void): () => void;
  /** A person's own typed message, shown in the channel before patchbot's answer. */
  say(channel: string, author: string, text: string, at?: Date): Promise<ConsoleMessage>;
}

/** The console as a ChatSurface: messages are rows in the store, so every replica serves them. */
export const createConsoleSurface = ({ store, now = () => new Date() }: { store: Pick<ConsoleStore, 'chatThreads' | 'consoleMessages'>; now?: () => Date }): ConsoleSurface => {
  const listeners = new Set<(message: ConsoleMessage) => void>();
  const emit = (message: ConsoleMessage) => {
    for (const listener of listeners) listener(message);
    return message;
  };
  const ref = (message: ConsoleMessage): MessageRef => ({ surface: 'console', channel: message.channel, id: message.id });
  const threadRoot = async (thread: ThreadTarget): Promise<MessageRef> => {
    if ('id' in thread) return thread;
    const root = (await store.chatThreads.roots(thread.threadKey)).find((r) => r.surface === 'console' && r.channel === thread.channel);
    if (root) return root;
    throw new Error(`no console thread ${thread.threadKey} in ${thread.channel}`);
  };
  const append = async (channel: string, card: Card, threadOf: string | null, visibleTo: string | null = null) =>
    emit(await store.consoleMessages.append({ channel, author: BOT_AUTHOR, card, threadOf, visibleTo, postedAt: now() }));

  return {
    name: 'console',
    history: store.consoleMessages,
    async post(channel, card, options) {
      const threadOf = options?.thread ? (await threadRoot(options.thread)).id : null;
      return ref(await append(channel, card, threadOf));
    },
    async update(target, card) {
      const edited = await store.consoleMessages.edit(target.id, card, now());
      if (!edited) throw new Error(`console message ${target.id} does not exist`);
      emit(edited);
    },
    async reply(thread, card) {
      const root = await threadRoot(thread);
      return ref(await append(root.channel, card, root.id));
    },
    async ephemeral(channel, to, card) {
      await append(channel, card, null, to.person?.name ?? to.surfaceUserId);
    },
    async direct(person, card) {
      await append(directChannel(person.name), card, null);
      return true;
    },
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async say(channel, author, text, at = now()) {
      return emit(await store.consoleMessages.append({ channel, author, text, postedAt: at }));
    },
  };
};
