/**
 * Teams conversation ids, in one place. A channel is `19:…@thread.tacv2` (older teams:
 * `@thread.skype`); a thread in it is the channel id plus `;messageid=<root activity id>`; a 1:1
 * chat is `a:…`; group chats (`19:…@thread.v2`) have no threads.
 */
const CHANNEL = /@thread\.(tacv2|skype)$/;
const MESSAGE_ID = ';messageid=';

export const isChannel = (conversationId: string): boolean => CHANNEL.test(baseOf(conversationId));
export const isPersonal = (conversationId: string): boolean => conversationId.startsWith('a:');

/** The channel (or chat) without the thread part. */
export const baseOf = (conversationId: string): string => conversationId.split(MESSAGE_ID)[0]!;

/** The thread's root activity id, when the id names a thread. */
export const threadRootOf = (conversationId: string): string | undefined => {
  const at = conversationId.indexOf(MESSAGE_ID);
  return at < 0 ? undefined : conversationId.slice(at + MESSAGE_ID.length) || undefined;
};

export const threadId = (channel: string, rootId: string): string => `${channel}${MESSAGE_ID}${rootId}`;
