import { type FailureLog, failureLog } from '../shared/failure-log.ts';
import type { Logger } from '../shared/logger.ts';
import type { Card } from './card.ts';
import type { ChatSurface, MessageRef, SurfaceName } from './chat-surface.ts';
import { type DispatchDeps, dispatch } from './dispatcher.ts';
import type { Interaction } from './interaction.ts';
import type { Broadcast, ChannelRole, Reply } from './reply.ts';
import type { ChatStore } from './chat-store.ts';
import { unreachedCard } from './unreached-card.ts';

/** A surface and the names its workspace gives the role channels. */
export interface SurfaceBinding {
  surface: ChatSurface;
  channels: Record<ChannelRole, string>;
}

/**
 * How an answer reaches the person who asked, when the surface has its own way: Slack answers a
 * slash command through its response_url, which works even where the bot is not a member.
 */
export interface Responder {
  public(card: Card): Promise<void>;
  private(card: Card): Promise<void>;
}

export interface ChatHub {
  readonly bindings: readonly SurfaceBinding[];
  /** Dispatches an interaction and delivers the reply; returns it for surfaces that show it themselves. */
  handle(interaction: Interaction, responder?: Responder): Promise<Reply>;
  /** Delivers a reply: to the asker on their surface, and broadcasts and refreshes on every surface. */
  deliver(interaction: Interaction, reply: Reply, responder?: Responder): Promise<void>;
  broadcast(posts: readonly Broadcast[]): Promise<void>;
  refresh(threadKey: string, card: Card): Promise<void>;
}

export interface ChatHubOptions extends Omit<DispatchDeps, 'log'> {
  bindings: readonly SurfaceBinding[];
  log: Logger;
}

const sameRef = (a: MessageRef, b: MessageRef) => a.surface === b.surface && a.channel === b.channel && a.id === b.id;

/**
 * Routes replies between the dispatcher and the surfaces. One surface failing (Slack down) never
 * keeps a card from the others: each delivery is settled on its own and logged.
 */
export const createChatHub = (options: ChatHubOptions): ChatHub => {
  const { store, bindings, log } = options;
  const now = () => options.now?.() ?? new Date();
  const bindingOf = (surface: SurfaceName) => bindings.find((b) => b.surface.name === surface);

  // Per surface: Slack down (or the store behind the console) is one error when deliveries start
  // failing and one line when one works again, not an error for every card through the outage.
  const deliveries = new Map<string, FailureLog>();
  const deliveryLog = (to: string): FailureLog => {
    let found = deliveries.get(to);
    if (!found) deliveries.set(to, (found = failureLog(log, `chat delivery to ${to}`, { level: 'error' })));
    return found;
  };
  /** Waits for every delivery; `work` pairs each with where it goes (a surface, or 'direct messages'). */
  const settle = async (what: string, work: ReadonlyArray<readonly [string, Promise<unknown>]>) => {
    const results = await Promise.allSettled(work.map(([, delivery]) => delivery));
    results.forEach((result, i) => {
      const to = deliveryLog(work[i]![0]);
      if (result.status === 'rejected') to.failed(result.reason as Error, { what });
      else to.succeeded();
    });
  };

  /** Threads by the card's key: the first post is the root, the rest reply to it. */
  const postThreaded = async (binding: SurfaceBinding, channel: string, card: Card, store: ChatStore): Promise<MessageRef> => {
    const key = card.threadKey;
    if (!key) return binding.surface.post(channel, card);
    const root = (await store.chatThreads.roots(key)).find((r) => r.surface === binding.surface.name && r.channel === channel);
    if (root) return binding.surface.reply(root, card);
    const ref = await binding.surface.post(channel, card);
    await store.chatThreads.claimRoot(key, ref, now());
    return ref;
  };

  const broadcast: ChatHub['broadcast'] = async (posts) => {
    // In order per surface (a decision after the card it decides), surfaces in parallel.
    await settle(
      'broadcast',
      bindings.map((binding) => [
        binding.surface.name,
        (async () => {
          for (const post of posts) await postThreaded(binding, binding.channels[post.channel], post.card, store);
        })(),
      ]),
    );
  };

  const refreshRoots = async (threadKey: string, card: Card): Promise<MessageRef[]> => {
    const roots = await store.chatThreads.roots(threadKey);
    await settle(
      'refresh',
      roots.map((ref) => [ref.surface, bindingOf(ref.surface)?.surface.update(ref, card) ?? Promise.resolve()]),
    );
    return roots;
  };

  /**
   * Direct messages, then one line in the thread each names for the people no surface reached
   * (an emergency's notify list): a log line alone left the requester believing they were told.
   */
  const sendDirect = async (messages: NonNullable<Reply['direct']>) => {
    const unreached = new Map<string, { channel: ChannelRole; threadKey: string; people: string[] }>();
    const work = messages.map(async ({ person: name, card, unreached: tell }) => {
      const person = await store.people.get(name);
      const reached = person ? await Promise.all(bindings.map((b) => b.surface.direct?.(person, card).catch(() => false) ?? false)) : [];
      if (reached.some(Boolean)) return;
      log.warn({ person: name }, 'no chat surface reaches this person directly');
      if (!tell) return;
      const key = `${tell.channel} ${tell.threadKey}`;
      const entry = unreached.get(key) ?? { ...tell, people: [] };
      entry.people.push(name);
      unreached.set(key, entry);
    });
    await settle(
      'direct',
      work.map((delivery) => ['direct messages', delivery]),
    );
    if (unreached.size) await broadcast([...unreached.values()].map(({ channel, threadKey, people }) => ({ channel, card: unreachedCard(people, threadKey) })));
  };

  const deliver: ChatHub['deliver'] = async (interaction, reply, responder) => {
    if (reply.duplicate) return;
    const own = bindingOf(interaction.surface);
    const refreshed = reply.refresh ? await refreshRoots(reply.refresh.threadKey, reply.refresh.card) : [];
    const work: Promise<unknown>[] = [];
    const update = reply.update;
    if (update && own && !refreshed.some((ref) => sameRef(ref, update.ref))) work.push(own.surface.update(update.ref, update.card));
    if (reply.public)
      work.push(
        responder
          ? responder.public(reply.public)
          : (own?.surface.post(interaction.channel, reply.public, interaction.thread ? { thread: interaction.thread } : undefined) ?? Promise.resolve()),
      );
    if (reply.private) work.push(responder ? responder.private(reply.private) : (own?.surface.ephemeral(interaction.channel, interaction.actor, reply.private) ?? Promise.resolve()));
    await settle(
      'reply',
      work.map((delivery) => [interaction.surface, delivery]),
    );
    if (reply.broadcast?.length) await broadcast(reply.broadcast);
    if (reply.direct?.length) await sendDirect(reply.direct);
    await reply.followUp?.();
  };

  return {
    bindings,
    async handle(interaction, responder) {
      const reply = await dispatch(interaction, { ...options, log });
      await deliver(interaction, reply, responder);
      return reply;
    },
    deliver,
    broadcast,
    refresh: async (threadKey, card) => {
      await refreshRoots(threadKey, card);
    },
  };
};
