import type { AuditEvent } from '../../src/audit/audit-event.ts';
import { sealEvent } from '../../src/audit/hash-chain.ts';
import type { AuditRepository } from '../../src/audit/audit-store.ts';
import type { IdempotencyRepository } from '../../src/store/idempotency.ts';
import type { SqlClient } from './sql-client.ts';

interface AuditRow {
  seq: string | number;
  at: Date;
  actor: string;
  action: string;
  subject: string;
  data: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

const toEvent = (row: AuditRow): AuditEvent => ({
  seq: Number(row.seq),
  at: row.at,
  actor: row.actor,
  action: row.action,
  subject: row.subject,
  data: row.data,
  prevHash: row.prev_hash,
  hash: row.hash,
});

const PAGE = 500;

export const auditRepository = (sql: SqlClient): AuditRepository => {
  const head = async (client: SqlClient) => {
    const rows = await client.query<{ seq: string | number; hash: string }>('select seq, hash from audit_events order by seq desc limit 1');
    return rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash } : null;
  };
  return {
    append(entry) {
      return sql.transaction(async (tx) => {
        // A transaction-scoped advisory lock serialises appenders: two events can never claim the
        // same predecessor and fork the chain, on PGlite or across replicas on a server.
        await tx.query(`select pg_advisory_xact_lock(hashtext('patchbot.audit'))`);
        // Milliseconds only: timestamptz keeps microseconds, JS Dates keep ms, and the hash must survive the round trip.
        const event = sealEvent(await head(tx), entry, new Date((entry.at ?? new Date()).getTime()));
        await tx.query('insert into audit_events (seq, at, actor, action, subject, data, prev_hash, hash) values ($1, $2, $3, $4, $5, $6, $7, $8)', [
          event.seq,
          event.at,
          event.actor,
          event.action,
          event.subject,
          JSON.stringify(event.data),
          event.prevHash,
          event.hash,
        ]);
        return event;
      });
    },
    async *read(fromSeq = 0) {
      // Paged so verifying a long chain holds one page in memory, not the whole log.
      let after = fromSeq - 1;
      for (;;) {
        const rows = await sql.query<AuditRow>('select * from audit_events where seq > $1 order by seq limit $2', [after, PAGE]);
        for (const row of rows) yield toEvent(row);
        if (rows.length < PAGE) return;
        after = Number(rows.at(-1)!.seq);
      }
    },
    head: () => head(sql),
  };
};

export const idempotencyRepository = (sql: SqlClient): IdempotencyRepository => ({
  async claim(key, at) {
    const rows = await sql.query('insert into idempotency_keys (key, claimed_at) values ($1, $2) on conflict (key) do nothing returning key', [key, at]);
    return rows.length === 1;
  },
  async prune(before) {
    return (await sql.query('delete from idempotency_keys where claimed_at < $1 returning 1', [before])).length;
  },
});
