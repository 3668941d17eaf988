import type { AccessToken, AccessTokenRepository } from '../../src/people/access-tokens.ts';
import type { SqlClient } from './sql-client.ts';

interface TokenRow {
  id: string;
  owner: string;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const COLUMNS = 'id, owner, created_at, expires_at, last_used_at, revoked_at';

const toToken = (r: TokenRow): AccessToken => ({ id: r.id, owner: r.owner, createdAt: r.created_at, expiresAt: r.expires_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at });

export const accessTokenRepository = (sql: SqlClient): AccessTokenRepository => ({
  async create(t) {
    await sql.query('insert into access_tokens (id, hash, owner, created_at, expires_at) values ($1, $2, $3, $4, $5)', [t.id, t.hash, t.owner, t.createdAt, t.expiresAt]);
  },
  async list() {
    return (await sql.query<TokenRow>(`select ${COLUMNS} from access_tokens order by created_at, id`)).map(toToken);
  },
  async revoke(id, at) {
    return (await sql.query('update access_tokens set revoked_at = $2 where id = $1 and revoked_at is null returning id', [id, at])).length > 0;
  },
  async byHash(hash) {
    const rows = await sql.query<TokenRow>(`select ${COLUMNS} from access_tokens where hash = $1`, [hash]);
    return rows[0] ? toToken(rows[0]) : null;
  },
  async touch(id, at) {
    await sql.query('update access_tokens set last_used_at = $2 where id = $1', [id, at]);
  },
});
