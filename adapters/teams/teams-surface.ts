import { randomUUID } from 'node:crypto';
import type { Card } from '../../src/chat/card.ts';
import type { ChatSurface, MessageRef, ThreadTarget } from '../../src/chat/chat-surface.ts';
import type { Logger } from '../../src/shared/logger.ts';
import type { ChatThreadRepos } from '../../src/chat/chat-threads.ts';
import { createCoalescer } from '../../src/shared/coalescer.ts';
import { cardActivity } from './adaptive-card.ts';
import type { Connector } from './connector.ts';
import { isChannel, isPersonal, threadId, threadRootOf } from './conversations.ts';
import { ConnectorError } from './errors.ts';

export interface TeamsSurfaceOptions {
  connector: Connector;
  store: ChatThreadRepos;
  appId: string;
  /** The Connector base: configured, else the latest an authenticated activity carried. */
  serviceUrl: () => string;
  /** For new conversations (1:1 chats, channel posts): configured, else learned from activities. */
  tenantId: () => string | undefined;
  log: Logger;
}

export interface TeamsSurface extends ChatSurface {
  idle(): Promise<void>;
}

/** Teams may answer a post 202 with no id (integrations pitfalls): such a message cannot be edited or replied to. */
const UNCONFIRMED = 'unconfirmed:';

/**
 * The ChatSurface port over the Bot Connector. A channel post is a new conversation in the channel
 * (its id `19:…;messageid=X`, X being the activity); a thread reply is a send to that thread's
 * conversation; a 1:1 chat is created on first use and remembered. Edits are coalesced per message
 * (newest card wins) and queued, so a click's answer never waits for the shared card's edit.
 */
export const createTeamsSurface = ({ connector, store, appId, serviceUrl, tenantId, log }: TeamsSurfaceOptions): TeamsSurface => {
  const chats = new Map<string, Promise<string>>();
  const edits = createCoalescer<{ ref: MessageRef; card: Card }>(async (_key, { ref, card }) => {
    await connector.update(serviceUrl(), ref.channel, ref.id, cardActivity(card));
  });
  const pendingEdits = new Set<Promise<void>>();

  const tenant = () => {
    const id = tenantId();
    return id ? { tenantId: id, channelData: { tenant: { id } } } : {};
  };

  const idOf = (channel: string, response: { id?: string | undefined; activityId?: string | undefined }): string => {
    const id = response.activityId ?? (response.id ? (threadRootOf(response.id) ?? response.id) : undefined);
    if (id) return id;
    log.warn({ channel }, 'teams accepted a post without an id; it cannot be edited');
    return `${UNCONFIRMED}${randomUUID()}`;
  };

  const postTopLevel = async (channel: string, card: Card): Promise<MessageRef> => {
    const activity = cardActivity(card);
    if (isChannel(channel)) {
      const created = await connector.createConversation(serviceUrl(), { isGroup: true, channelData: { channel: { id: channel }, ...tenant().channelData }, activity });
      return { surface: 'teams', channel, id: idOf(channel, created) };
    }
    return { surface: 'teams', channel, id: idOf(channel, await connector.send(serviceUrl(), channel, activity)) };
  };

  const rootOf = async (thread: ThreadTarget): Promise<MessageRef> => {
    if ('id' in thread) return thread;
    const root = (await store.chatThreads.roots(thread.threadKey)).find((r) => r.surface === 'teams' && r.channel === thread.channel);
    if (!root) throw new ConnectorError('reply', 404, `no Teams thread ${thread.threadKey} in ${thread.channel} yet`);
    return root;
  };

  const reply = async (thread: ThreadTarget, card: Card): Promise<MessageRef> => {
    const root = await rootOf(thread);
    // A chat has no threads, and a root we never got an id for cannot be replied under.
    if (!isChannel(root.channel) || root.id.startsWith(UNCONFIRMED)) return postTopLevel(root.channel, card);
    const sent = await connector.send(serviceUrl(), threadId(root.channel, root.id), cardActivity(card));
    return { surface: 'teams', channel: root.channel, id: idOf(root.channel, sent) };
  };

  /** The bot's 1:1 chat with a user (AAD object id), created once per process. */
  const chatWith = (userId: string): Promise<string> => {
    const known = chats.get(userId);
    if (known) return known;
    const created = connector.createConversation(serviceUrl(), { isGroup: false, bot: { id: `28:${appId}` }, members: [{ id: userId }], ...tenant() }).then((answer) => {
      if (!answer.id) throw new ConnectorError('createConversation', 202, 'Teams created the chat without telling its id');
      return answer.id;
    });
    chats.set(userId, created);
    created.catch(() => chats.delete(userId));
    return created;
  };

  const directTo = async (userId: string, card: Card) => {
    await connector.send(serviceUrl(), await chatWith(userId), cardActivity(card));
  };

  return {
    name: 'teams',
    async post(channel, card, options) {
      return options?.thread ? reply(options.thread, card) : postTopLevel(channel, card);
    },
    update(ref, card) {
      if (ref.id.startsWith(UNCONFIRMED)) return Promise.resolve();
      const sent = edits.submit(`${ref.channel}/${ref.id}`, { ref, card }).catch((error: unknown) => log.error({ err: error, channel: ref.channel, id: ref.id }, 'teams card update failed'));
      pendingEdits.add(sent);
      void sent.finally(() => pendingEdits.delete(sent));
      return Promise.resolve();
    },
    reply,
    async ephemeral(channel, to, card) {
      // Teams has no ephemeral messages: in a 1:1 chat that chat is private already; elsewhere, a 1:1.
      if (isPersonal(channel)) await connector.send(serviceUrl(), channel, cardActivity(card));
      else await directTo(to.surfaceUserId, card);
    },
    async direct(person, card) {
      if (!person.teams) return false;
      await directTo(person.teams, card);
      return true;
    },
    async idle() {
      await Promise.all([...pendingEdits]);
      await Promise.all([edits.idle(), connector.idle()]);
    },
  };
};
