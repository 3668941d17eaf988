import type { Change, Vote } from '../../src/changes/change.ts';
import type { ChangeRepository, VoteRepository } from '../../src/changes/change-store.ts';
import type { TicketLink, TicketRepository } from '../../src/tickets/ticket-store.ts';
import type { SqlClient } from './sql-client.ts';

interface ChangeRow {
  id: string;
  class: Change['class'];
  title: string;
  patches: string[];
  targets: string[];
  window_name: string | null;
  requester: string;
  policy_name: string;
  policy: Change['policy'];
  state: Change['state'];
  parent_id: string | null;
  plan: unknown;
  post_review: boolean;
  created_at: Date;
  updated_at: Date;
  expires_at: Date | null;
}

const toChange = (row: ChangeRow): Change => ({
  id: row.id,
  class: row.class,
  title: row.title,
  patches: row.patches,
  targets: row.targets,
  window: row.window_name,
  requester: row.requester,
  policyName: row.policy_name,
  policy: row.policy,
  state: row.state,
  parentId: row.parent_id,
  plan: row.plan,
  postReview: row.post_review,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  expiresAt: row.expires_at,
});

export const changeRepository = (sql: SqlClient): ChangeRepository => ({
  async nextId() {
    const rows = await sql.query<{ n: string | number }>(`select nextval('change_numbers') as n`);
    return `CHG-${Number(rows[0]!.n)}`;
  },
  async create(c) {
    await sql.query(
      `insert into changes (id, class, title, patches, targets, window_name, requester, policy_name, policy, state,
         parent_id, plan, post_review, created_at, updated_at, expires_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [
        c.id,
        c.class,
        c.title,
        c.patches,
        c.targets,
        c.window,
        c.requester,
        c.policyName,
        JSON.stringify(c.policy),
        c.state,
        c.parentId,
        c.plan === undefined ? null : JSON.stringify(c.plan),
        c.postReview,
        c.createdAt,
        c.updatedAt,
        c.expiresAt,
      ],
    );
  },
  async get(id) {
    const rows = await sql.query<ChangeRow>('select * from changes where id = $1', [id]);
    return rows[0] ? toChange(rows[0]) : null;
  },
  async getForUpdate(id) {
    const rows = await sql.query<ChangeRow>('select * from changes where id = $1 for update', [id]);
    return rows[0] ? toChange(rows[0]) : null;
  },
  async list(filter = {}) {
    const rows = await sql.query<ChangeRow>(
      `select * from changes where ($1::text[] is null or state = any($1))
       order by created_at desc, id desc limit $2`,
      [filter.states ?? null, filter.limit ?? 100],
    );
    return rows.map(toChange);
  },
  async setState(id, from, to, at) {
    const rows = await sql.query('update changes set state = $3, updated_at = $4 where id = $1 and state = $2 returning id', [id, from, to, at]);
    return rows.length === 1;
  },
});

interface VoteRow {
  change_id: string;
  person: string;
  decision: Vote['decision'];
  comment: string | null;
  surface: string;
  at: Date;
}

export const voteRepository = (sql: SqlClient): VoteRepository => ({
  async put(v) {
    await sql.query(
      `insert into votes (change_id, person, decision, comment, surface, at) values ($1, $2, $3, $4, $5, $6)
       on conflict (change_id, person) do update set decision = excluded.decision, comment = excluded.comment,
         surface = excluded.surface, at = excluded.at`,
      [v.changeId, v.person, v.decision, v.comment, v.surface, v.at],
    );
  },
  async list(changeId) {
    const rows = await sql.query<VoteRow>('select * from votes where change_id = $1 order by at, person', [changeId]);
    return rows.map((r) => ({ changeId: r.change_id, person: r.person, decision: r.decision, comment: r.comment, surface: r.surface, at: r.at }));
  },
});

export const ticketRepository = (sql: SqlClient): TicketRepository => ({
  async link(t) {
    await sql.query(
      `insert into tickets (change_id, system, key, url, state) values ($1, $2, $3, $4, $5)
       on conflict (change_id, system) do update set key = excluded.key, url = excluded.url, state = excluded.state`,
      [t.changeId, t.system, t.key, t.url, t.state],
    );
  },
  async forChange(changeId) {
    const rows = await sql.query<{ change_id: string; system: string; key: string; url: string | null; state: string | null }>('select * from tickets where change_id = $1 order by system', [
      changeId,
    ]);
    return rows.map((r): TicketLink => ({ changeId: r.change_id, system: r.system, key: r.key, url: r.url, state: r.state }));
  },
});
