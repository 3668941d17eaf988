import type { MessageRef, SurfaceName } from '../../src/chat/chat-surface.ts';
import type { ChatThreadRepository } from '../../src/chat/chat-threads.ts';
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
