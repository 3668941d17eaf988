import type { SqlClient } from './sql-client.ts';

/**
 * The console's history (the port is adapters/console/console-history.ts; the composition root
 * hands this to it). The card is the chat feature's value, stored as JSON and returned as it was
 * given: `C` is whatever the caller stores, this file knows no card.
 */
export interface StoredConsoleMessage<C> {
  id: string;
  channel: string;
  threadOf: string | null;
  author: string;
  text: string | null;
  card: C | null;
  visibleTo: string | null;
  postedAt: Date;
  updatedAt: Date;
  revision: number;
}

export interface ConsoleMessages<C> {
  append(
    message: Pick<StoredConsoleMessage<C>, 'channel' | 'author' | 'postedAt'> & Partial<Pick<StoredConsoleMessage<C>, 'threadOf' | 'text' | 'card' | 'visibleTo'>>,
  ): Promise<StoredConsoleMessage<C>>;
  edit(id: string, card: C, at: Date): Promise<StoredConsoleMessage<C> | null>;
  get(id: string): Promise<StoredConsoleMessage<C> | null>;
  recent(channel: string, viewer: string | null, limit: number): Promise<Array<StoredConsoleMessage<C>>>;
  changedSince(revision: number, viewer: string | null, limit: number): Promise<Array<StoredConsoleMessage<C>>>;
  allChangedSince(revision: number, limit: number): Promise<Array<StoredConsoleMessage<C>>>;
  latestRevision(): Promise<number>;
}

interface ConsoleRow<C> {
  id: string | number;
  channel: string;
  thread_of: string | number | null;
  author: string;
  text: string | null;
  card: C | null;
  visible_to: string | null;
  posted_at: Date;
  updated_at: Date;
  revision: string | number;
}

const toMessage = <C>(row: ConsoleRow<C>): StoredConsoleMessage<C> => ({
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

export const consoleMessageRepository = <C>(sql: SqlClient): ConsoleMessages<C> => ({
  async append(m) {
    const rows = await sql.query<ConsoleRow<C>>(
      `insert into console_messages (channel, thread_of, author, text, card, visible_to, posted_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $7) returning *`,
      [m.channel, m.threadOf ?? null, m.author, m.text ?? null, m.card ? JSON.stringify(m.card) : null, m.visibleTo ?? null, m.postedAt],
    );
    return toMessage(rows[0]!);
  },
  async edit(id, card, at) {
    const rows = await sql.query<ConsoleRow<C>>(`update console_messages set card = $2, updated_at = $3, revision = nextval('console_revisions') where id = $1 returning *`, [
      id,
      JSON.stringify(card),
      at,
    ]);
    return rows[0] ? toMessage(rows[0]) : null;
  },
  async get(id) {
    if (!/^\d{1,18}$/.test(id)) return null;
    const rows = await sql.query<ConsoleRow<C>>('select * from console_messages where id = $1', [id]);
    return rows[0] ? toMessage(rows[0]) : null;
  },
  async recent(channel, viewer, limit) {
    const rows = await sql.query<ConsoleRow<C>>(`select * from (select * from console_messages where channel = $1 and ${visibleTo('$2')} order by id desc limit $3) latest order by id`, [
      channel,
      viewer ?? '',
      limit,
    ]);
    return rows.map(toMessage);
  },
  async changedSince(revision, viewer, limit) {
    const rows = await sql.query<ConsoleRow<C>>(`select * from console_messages where revision > $1 and ${visibleTo('$2')} order by revision limit $3`, [revision, viewer ?? '', limit]);
    return rows.map(toMessage);
  },
  async allChangedSince(revision, limit) {
    const rows = await sql.query<ConsoleRow<C>>('select * from console_messages where revision > $1 order by revision limit $2', [revision, limit]);
    return rows.map(toMessage);
  },
  async latestRevision() {
    const rows = await sql.query<{ revision: string | number | null }>('select max(revision) as revision from console_messages');
    return Number(rows[0]?.revision ?? 0);
  },
});
