/** What the fake Bot Connector holds: every message the bot posted, with its card's history. */
export interface FakePost {
  id: string;
  /** The conversation id the bot sent to (a thread's is `19:…;messageid=<root>`). */
  conversation: string;
  /** The channel or chat, without the thread part. */
  channel: string;
  /** The thread root, for a reply in a channel thread. */
  threadRoot: string | undefined;
  text: string | undefined;
  /** The Adaptive Card, as it stands now. */
  card: Record<string, unknown> | undefined;
  /** Every card this message showed, oldest first (edits append). */
  cards: Record<string, unknown>[];
}

export interface FakeUser {
  /** The Teams user id (`29:…`). */
  id: string;
  aadObjectId: string;
  name: string;
  email?: string;
  /** As a roster entry carries them: the member's home tenant, and `guest` for a B2B guest. */
  tenantId?: string;
  userRole?: 'user' | 'guest' | 'anonymous';
}

export interface FakeCall {
  method: string;
  path: string;
  status: number;
}

export const baseOf = (conversation: string) => conversation.split(';messageid=')[0]!;
export const rootOf = (conversation: string) => conversation.split(';messageid=')[1];

export class FakeTenant {
  readonly posts: FakePost[] = [];
  readonly users = new Map<string, FakeUser>();
  /** 1:1 chats the bot created, by the member id it asked for. */
  readonly chats = new Map<string, string>();
  readonly calls: FakeCall[] = [];
  readonly tokens = new Set<string>();
  private next = 1_700_000_000_000;

  newId(): string {
    this.next += 1;
    return String(this.next);
  }

  record(conversation: string, activity: Record<string, unknown>, replyToId?: string): FakePost {
    const card = ((activity.attachments as { content?: Record<string, unknown> }[] | undefined) ?? [])[0]?.content;
    const post: FakePost = {
      id: this.newId(),
      conversation,
      channel: baseOf(conversation),
      threadRoot: rootOf(conversation) ?? replyToId,
      text: activity.text as string | undefined,
      card,
      cards: card ? [card] : [],
    };
    this.posts.push(post);
    return post;
  }

  update(conversation: string, id: string, activity: Record<string, unknown>): boolean {
    const post = this.posts.find((p) => p.id === id && p.channel === baseOf(conversation));
    if (!post) return false;
    const card = ((activity.attachments as { content?: Record<string, unknown> }[] | undefined) ?? [])[0]?.content;
    post.card = card;
    if (card) post.cards.push(card);
    post.text = activity.text as string | undefined;
    return true;
  }

  /** Members by Teams id or AAD object id (Teams accepts either when creating a chat). */
  user(id: string): FakeUser | undefined {
    return this.users.get(id) ?? [...this.users.values()].find((u) => u.aadObjectId === id);
  }
}
