import type { OutboxEntry, OutboxEvent, OutboxHead, TicketOutboxRepository } from '../../src/tickets/ticket-outbox.ts';
import type { SqlClient } from './sql-client.ts';

interface EntryRow {
  ticket_of: string;
  seq: number;
  change_id: string;
  event_id: string;
  kind: string;
  body: Record<string, unknown>;
  state: OutboxEntry['state'];
  attempts: number;
  next_attempt_at: Date | null;
  lease_until: Date | null;
  last_error: string | null;
  lag_since: Date | null;
  lag_told: boolean;
  created_at: Date;
  finished_at: Date | null;
}

const toEntry = (r: EntryRow): OutboxEntry => ({
  ticketOf: r.ticket_of,
  seq: r.seq,
  changeId: r.change_id,
  eventId: r.event_id,
  event: { ...r.body, kind: r.kind } as OutboxEvent,
  state: r.state,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  leaseUntil: r.lease_until,
  lastError: r.last_error,
  lag: r.lag_since ? { since: r.lag_since, told: r.lag_told } : null,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
});

/** The readable stamp of an entry: `CHG-7.3`, the third event on CHG-7's ticket. */
const eventIdOf = (ticketOf: string, seq: number) => `${ticketOf}.${seq}`;

export const ticketOutboxRepository = (sql: SqlClient): TicketOutboxRepository => ({
  async append({ ticketOf, changeId, event, at }) {
    // The counter row stays locked until commit: appends to one ticket are numbered in commit order.
    const [counter] = await sql.query<{ last_seq: number }>(
      `insert into ticket_outbox_seqs (ticket_of, last_seq) values ($1, 1)
       on conflict (ticket_of) do update set last_seq = ticket_outbox_seqs.last_seq + 1 returning last_seq`,
      [ticketOf],
    );
    const seq = counter!.last_seq;
    const { kind, ...body } = event;
    const rows = await sql.query<EntryRow>(
      `insert into ticket_outbox (ticket_of, seq, change_id, event_id, kind, body, created_at)
       values ($1, $2, $3, $4, $5, $6, $7) returning *`,
      [ticketOf, seq, changeId, eventIdOf(ticketOf, seq), kind, JSON.stringify(body), at],
    );
    return toEntry(rows[0]!);
  },

  async heads(at, { ticketOf, limit = 100 } = {}) {
    const rows = await sql.query<{ ticket_of: string; seq: number; attempts: number }>(
      `select h.ticket_of, h.seq, h.attempts from (
         select distinct on (ticket_of) ticket_of, seq, attempts, next_attempt_at, lease_until
         from ticket_outbox where state = 'pending' and ($2::text is null or ticket_of = $2)
         order by ticket_of, seq) h
       where (h.next_attempt_at is null or h.next_attempt_at <= $1) and (h.lease_until is null or h.lease_until < $1)
       order by h.ticket_of limit $3`,
      [at, ticketOf ?? null, limit],
    );
    return rows.map((r): OutboxHead => ({ ticketOf: r.ticket_of, seq: r.seq, attempts: r.attempts }));
  },

  async claim(ticketOf, seq, leaseUntil, at) {
    // A second claimer blocks on the row, then re-checks the lease the first one set: no match.
    const rows = await sql.query<EntryRow>(
      `update ticket_outbox o set attempts = o.attempts + 1, lease_until = $3
       where o.ticket_of = $1 and o.seq = $2 and o.state = 'pending' and (o.lease_until is null or o.lease_until < $4)
         and not exists (select 1 from ticket_outbox p where p.ticket_of = $1 and p.seq < $2 and p.state = 'pending')
       returning o.*`,
      [ticketOf, seq, leaseUntil, at],
    );
    return rows[0] ? toEntry(rows[0]) : null;
  },

  async finish(ticketOf, seq, attempt, { state, error, at }) {
    const rows = await sql.query(
      `update ticket_outbox set state = $4, last_error = $5, finished_at = $6, lease_until = null, next_attempt_at = null
       where ticket_of = $1 and seq = $2 and attempts = $3 and state = 'pending' returning 1`,
      [ticketOf, seq, attempt, state, error, at],
    );
    return rows.length === 1;
  },

  async retryAt(ticketOf, seq, attempt, { notBefore, error, lag = null }) {
    const rows = await sql.query(
      `update ticket_outbox set next_attempt_at = $4, last_error = $5, lease_until = null, lag_since = $6, lag_told = $7
       where ticket_of = $1 and seq = $2 and attempts = $3 and state = 'pending' returning 1`,
      [ticketOf, seq, attempt, notBefore, error, lag?.since ?? null, lag?.told ?? false],
    );
    return rows.length === 1;
  },

  async list(ticketOf) {
    const rows = await sql.query<EntryRow>('select * from ticket_outbox where ticket_of = $1 order by seq', [ticketOf]);
    return rows.map(toEntry);
  },

  async skipPending(at, reason) {
    const rows = await sql.query(
      `update ticket_outbox set state = 'skipped', last_error = $2, finished_at = $1, lease_until = null
       where state = 'pending' returning seq`,
      [at, reason],
    );
    return rows.length;
  },

  async changeOfTicket(system, key) {
    const rows = await sql.query<{ change_id: string }>('select change_id from tickets where system = $1 and key = $2 order by change_id limit 1', [system, key]);
    return rows[0]?.change_id ?? null;
  },
});
