import type { Card } from '../../src/chat/card.ts';
import type { MessageRef, SurfaceName } from '../../src/chat/chat-surface.ts';
import type { ChatThreadRepository, ConsoleMessage, ConsoleMessageRepository } from '../../src/store/store.ts';
import type { SqlClient } from './sql-client.ts';

interface ThreadRow {
  surface: SurfaceName;
  channel: string;
  message_id: string;
}

const toRef = (row: ThreadRow): MessageRef => ({ surface: row.surface, channel: row.channel, id: row.message_id });

export const chatThreadRepository = (sql: SqlClient): ChatThreadRepository => ({
  async claimRoot(threadKey, ref, at) {
    // The no-op update makes `returning` yield the row that won, ours or another replica's.
    const rows = await sql.query<ThreadRow>(
      `insert into chat_threads (thread_key, surface, channel, message_id, posted_at) values ($1, $2, $3, $4, $5)
       on conflict (thread_key, surface, channel) do update set thread_key = excluded.thread_key
       returning surface, channel, message_id`,
      [threadKey, ref.surface, ref.channel, ref.id, at],
    );
    return toRef(rows[0]!);
  },
  async roots(threadKey) {
    const rows = await sql.query<ThreadRow>('select surface, channel, message_id from chat_threads where thread_key = $1 order by posted_at, surface, channel', [threadKey]);
    return rows.map(toRef);
  },
});

interface ConsoleRow {
  id: string | number;
  channel: string;
  thread_of: string | number | null;
  author: string;
  text: string | null;
  card: Card | null;
  visible_to: string | null;
  posted_at: Date;
  updated_at: Date;
  revision: string | number;
}

const toMessage = (row: ConsoleRow): ConsoleMessage => ({
  id: String(row.id),
  channel: row.channel,
  threadOf: row.thread_of === null ? null : String(row.thread_of),
  author: row.author,
  text: row.text,
  card: row.card,
  visibleTo: row.visible_to,
  postedAt: row.posted_at,
  updatedAt: row.updated_at,
  revision: Number(row.revision),
});

/**
 * What `viewer` may see: messages for everyone or for them, and direct channels only their own
 * (`dm:alice`). Without a viewer, only public messages of shared channels.
 */
const VISIBLE = `(visible_to is null or visible_to = $VIEWER) and (channel not like 'dm:%' or channel = 'dm:' || $VIEWER)`;
const visibleTo = (param: string) => VISIBLE.replaceAll('$VIEWER', param);

export const consoleMessageRepository = (sql: SqlClient): ConsoleMessageRepository => ({
  async append(m) {
    const rows = await sql.query<ConsoleRow>(
      `insert into console_messages (channel, thread_of, author, text, card, visible_to, posted_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $7) returning *`,
      [m.channel, m.threadOf ?? null, m.author, m.text ?? null, m.card ? JSON.stringify(m.card) : null, m.visibleTo ?? null, m.postedAt],
    );
    return toMessage(rows[0]!);
  },
  async edit(id, card, at) {
    const rows = await sql.query<ConsoleRow>(
      `update console_messages set card = $2, updated_at = $3, revision = nextval('console_revisions') where id = $1 returning *`,
      [id, JSON.stringify(card), at],
    );
    return rows[0] ? toMessage(rows[0]) : null;
  },
  async get(id) {
    if (!/^\d{1,18}$/.test(id)) return null;
    const rows = await sql.query<ConsoleRow>('select * from console_messages where id = $1', [id]);
    return rows[0] ? toMessage(rows[0]) : null;
  },
  async recent(channel, viewer, limit) {
    const rows = await sql.query<ConsoleRow>(
      `select * from (select * from console_messages where channel = $1 and ${visibleTo('$2')} order by id desc limit $3) latest order by id`,
      [channel, viewer ?? '', limit],
    );
    return rows.map(toMessage);
  },
  async changedSince(revision, viewer, limit) {
    const rows = await sql.query<ConsoleRow>(
      `select * from console_messages where revision > $1 and ${visibleTo('$2')} order by revision limit $3`,
      [revision, viewer ?? '', limit],
    );
    return rows.map(toMessage);
  },
  async latestRevision() {
    const rows = await sql.query<{ revision: string | number | null }>('select max(revision) as revision from console_messages');
    return Number(rows[0]?.revision ?? 0);
  },
});
