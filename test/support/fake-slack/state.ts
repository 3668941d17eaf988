/** What the fake Slack workspace holds: channels with their messages and threads, people, ephemerals. */

export interface FakeMessage {
  channel: string;
  ts: string;
  /** The root's ts for a reply in a thread; null for a top-level message. */
  threadTs: string | null;
  /** The author: a user id, or null for the bot (then `botId` is set). */
  user: string | null;
  botId: string | null;
  text: string;
  blocks: unknown[];
  /** chat.update calls applied to it. */
  edits: number;
}

export interface FakeEphemeral {
  channel: string;
  user: string;
  text: string;
  blocks: unknown[];
  via: 'chat.postEphemeral' | 'response_url';
}

export interface FakeUser {
  id: string;
  name: string;
  realName?: string;
  email?: string;
  /** Another organisation's member (Slack Connect): their team, and Slack's stranger flag. */
  teamId?: string;
  isStranger?: boolean;
  /** Enterprise Grid: the member's organisation. */
  enterpriseId?: string;
}

export interface FakeCall {
  method: string;
  params: Record<string, unknown>;
  status: number;
  /** `ok:false` error code, `ratelimited` for an injected 429. */
  error?: string;
  at: number;
}

export interface ResponseHook {
  id: string;
  channel: string;
  user: string;
  issuedAt: number;
  uses: number;
  /** Every POST that reached it, refused or not. */
  posts: { status: number; body: Record<string, unknown> }[];
}

export class Workspace {
  readonly channels = new Map<string, FakeMessage[]>();
  readonly users = new Map<string, FakeUser>();
  readonly ephemerals: FakeEphemeral[] = [];
  readonly calls: FakeCall[] = [];
  readonly hooks = new Map<string, ResponseHook>();
  private seq = 0;
  /** Added to the real clock: lets a test age response_urls without waiting 30 minutes. */
  offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Slack's message ids: seconds, a dot, six digits; unique and ordered. */
  nextTs(): string {
    this.seq += 1;
    return `${Math.floor(this.now() / 1000)}.${String(this.seq).padStart(6, '0')}`;
  }

  nextId(prefix: string): string {
    this.seq += 1;
    return `${prefix}${String(this.seq).padStart(8, '0')}`;
  }

  append(message: Omit<FakeMessage, 'ts' | 'edits'>): FakeMessage {
    const list = this.channels.get(message.channel);
    if (!list) throw new Error(`no channel ${message.channel}`);
    const stored = { ...message, ts: this.nextTs(), edits: 0 };
    list.push(stored);
    return stored;
  }

  find(channel: string, ts: string): FakeMessage | undefined {
    return this.channels.get(channel)?.find((m) => m.ts === ts);
  }
}
