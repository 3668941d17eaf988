import type { SignInSessionRepository } from '../../src/people/sign-in-sessions.ts';
import type { SqlClient } from './sql-client.ts';

export const signInSessionRepository = (sql: SqlClient): SignInSessionRepository => ({
  async start({ idHash, person, startedAt, expiresAt }) {
    await sql.query('insert into sign_in_sessions (id_hash, person, started_at, expires_at) values ($1, $2, $3, $4)', [idHash, person, startedAt, expiresAt]);
  },
  async personOf(idHash, now) {
    const rows = await sql.query<{ person: string }>('select person from sign_in_sessions where id_hash = $1 and ended_at is null and expires_at > $2', [idHash, now]);
    return rows[0]?.person ?? null;
  },
  async end(idHash, at) {
    return (await sql.query('update sign_in_sessions set ended_at = $2 where id_hash = $1 and ended_at is null and expires_at > $2 returning 1', [idHash, at])).length > 0;
  },
  async endAllOf(person, at) {
    const rows = await sql.query<{ n: number }>(
      'with ended as (update sign_in_sessions set ended_at = $2 where person = $1 and ended_at is null and expires_at > $2 returning 1) select count(*)::int as n from ended',
      [person, at],
    );
    return rows[0]?.n ?? 0;
  },
  async prune(before) {
    const rows = await sql.query<{ n: number }>('with gone as (delete from sign_in_sessions where expires_at < $1 or ended_at < $1 returning 1) select count(*)::int as n from gone', [
      before,
    ]);
    return rows[0]?.n ?? 0;
  },
});
