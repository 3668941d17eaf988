import type { Group, Host } from '../../src/inventory/host.ts';
import type { Person } from '../../src/people/person.ts';
import type { GroupRepository, HostRepository } from '../../src/inventory/inventory-store.ts';
import type { PeopleRepository } from '../../src/people/people-store.ts';
import type { SqlClient } from './sql-client.ts';

interface HostRow {
  name: string;
  address: string;
  port: number;
  login: string;
  os: Host['os'];
  groups: string[];
  tags: Record<string, string>;
  connection: Host['connection'];
}

const toHost = (row: HostRow): Host => ({
  name: row.name,
  address: row.address,
  port: row.port,
  user: row.login,
  os: row.os,
  groups: row.groups,
  tags: row.tags,
  connection: row.connection,
});

type HostWaiter = { resolve: (host: Host | null) => void; reject: (error: unknown) => void };

/**
 * `get` calls made in the same turn of the event loop share one query: a job pump starting a
 * batch of host scans asks for all their hosts at once, and pays one round trip instead of one each.
 */
const hostLoader = (sql: SqlClient) => {
  let pending: Map<string, HostWaiter[]> | null = null;
  const load = async (batch: Map<string, HostWaiter[]>) => {
    try {
      const names = [...batch.keys()];
      const rows =
        names.length === 1 ? await sql.query<HostRow>('select * from hosts where name = $1', names) : await sql.query<HostRow>('select * from hosts where name = any($1::text[])', [names]);
      const found = new Map(rows.map((row) => [row.name, row]));
      for (const [name, waiters] of batch) {
        for (const waiter of waiters) {
          const row = found.get(name);
          waiter.resolve(row ? toHost(row) : null);
        }
      }
    } catch (error) {
      for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
    }
  };
  return (name: string): Promise<Host | null> =>
    new Promise((resolve, reject) => {
      if (!pending) {
        const batch = new Map<string, HostWaiter[]>();
        pending = batch;
        queueMicrotask(() => {
          pending = null;
          // load never rejects: a failed query rejects each waiter's own promise.
          void load(batch);
        });
      }
      const waiters = pending.get(name) ?? [];
      waiters.push({ resolve, reject });
      pending.set(name, waiters);
    });
};

/*
 * sync = delete all, insert the configured set, in one transaction. Inserts upsert because
 * replicas starting together sync concurrently: the second's delete cannot see rows the first
 * has just inserted, and a plain insert would then collide.
 */
export const hostRepository = (sql: SqlClient): HostRepository => ({
  async sync(hosts) {
    await sql.transaction(async (tx) => {
      await tx.query('delete from hosts');
      // One statement for the whole inventory: PGlite pays per statement, not per row.
      await tx.query(
        `insert into hosts (name, address, port, login, os, groups, tags, connection)
         select h.name, h.address, h.port, h.login, h.os, array(select jsonb_array_elements_text(h.groups)), h.tags, h.connection
         from jsonb_to_recordset($1::jsonb) as h(name text, address text, port int, login text, os text, groups jsonb, tags jsonb, connection text)
         on conflict (name) do update set address = excluded.address, port = excluded.port, login = excluded.login, os = excluded.os,
           groups = excluded.groups, tags = excluded.tags, connection = excluded.connection`,
        [JSON.stringify(hosts.map((h) => ({ ...h, login: h.user })))],
      );
    });
  },
  async list() {
    return (await sql.query<HostRow>('select * from hosts order by name')).map(toHost);
  },
  get: hostLoader(sql),
});

interface GroupRow {
  name: string;
  description: string | null;
  members: string[] | null;
  selector: Group['selector'] | null;
  production: boolean;
}

const toGroup = (row: GroupRow): Group => ({
  name: row.name,
  production: row.production,
  ...(row.description !== null ? { description: row.description } : {}),
  ...(row.members !== null ? { members: row.members } : {}),
  ...(row.selector !== null ? { selector: row.selector } : {}),
});

/**
 * The names of group `g`'s hosts, by membersOf's rule in SQL: static members, hosts naming the
 * group, or a selector that says something (os or tags) and that the host matches in full.
 */
const MEMBERS = `select h.name from hosts h where h.groups @> array[g.name]
  union select h.name from hosts h where h.name = any(coalesce(g.members, '{}'))
  union select h.name from hosts h
    where (g.selector ? 'os' or g.selector ? 'tags')
      and (not g.selector ? 'os' or h.os in (select jsonb_array_elements_text(g.selector -> 'os')))
      and h.tags @> coalesce(g.selector -> 'tags', '{}')`;

export const groupRepository = (sql: SqlClient): GroupRepository => ({
  async sync(groups) {
    await sql.transaction(async (tx) => {
      await tx.query('delete from host_groups');
      for (const g of groups) {
        await tx.query(
          `insert into host_groups (name, description, members, selector, production) values ($1, $2, $3, $4, $5)
           on conflict (name) do update set description = excluded.description, members = excluded.members,
             selector = excluded.selector, production = excluded.production`,
          [g.name, g.description ?? null, g.members ?? null, g.selector ? JSON.stringify(g.selector) : null, g.production],
        );
      }
    });
  },
  async list() {
    return (await sql.query<GroupRow>('select * from host_groups order by name')).map(toGroup);
  },
  async get(name) {
    const rows = await sql.query<GroupRow>('select * from host_groups where name = $1', [name]);
    return rows[0] ? toGroup(rows[0]) : null;
  },
  async memberNames(name) {
    const rows = await sql.query<{ members: string[] | null }>(
      `select (select coalesce(json_agg(m.name order by m.name), '[]') from (${MEMBERS}) m) as members from host_groups g where g.name = $1`,
      [name],
    );
    return rows[0] ? (rows[0].members ?? []) : null;
  },
  async memberCounts(names) {
    const rows = await sql.query<{ name: string; n: number }>(`select g.name, (select count(*)::int from (${MEMBERS}) m) as n from host_groups g where g.name = any($1::text[])`, [names]);
    return new Map(rows.map((row) => [row.name, row.n]));
  },
});

interface PersonRow {
  name: string;
  email: string | null;
  slack: string | null;
  teams: string | null;
  jira: string | null;
  servicenow: string | null;
  roles: string[];
}

const toPerson = (row: PersonRow): Person => ({
  name: row.name,
  roles: row.roles,
  ...(row.email !== null ? { email: row.email } : {}),
  ...(row.slack !== null ? { slack: row.slack } : {}),
  ...(row.teams !== null ? { teams: row.teams } : {}),
  ...(row.jira !== null ? { jira: row.jira } : {}),
  ...(row.servicenow !== null ? { servicenow: row.servicenow } : {}),
});

const LOOKUP: Record<'slack' | 'teams' | 'email', string> = {
  slack: 'slack = $1',
  teams: 'teams = $1',
  email: 'lower(email) = lower($1)',
};

export const peopleRepository = (sql: SqlClient): PeopleRepository => ({
  async sync(people) {
    await sql.transaction(async (tx) => {
      await tx.query('delete from people');
      for (const p of people) {
        await tx.query(
          `insert into people (name, email, slack, teams, jira, servicenow, roles) values ($1, $2, $3, $4, $5, $6, $7)
           on conflict (name) do update set email = excluded.email, slack = excluded.slack, teams = excluded.teams,
             jira = excluded.jira, servicenow = excluded.servicenow, roles = excluded.roles`,
          [p.name, p.email ?? null, p.slack ?? null, p.teams ?? null, p.jira ?? null, p.servicenow ?? null, p.roles],
        );
      }
    });
  },
  async list() {
    return (await sql.query<PersonRow>('select * from people order by name')).map(toPerson);
  },
  async get(name) {
    const rows = await sql.query<PersonRow>('select * from people where name = $1', [name]);
    return rows[0] ? toPerson(rows[0]) : null;
  },
  async findBy(field, value) {
    const rows = await sql.query<PersonRow>(`select * from people where ${LOOKUP[field]} limit 1`, [value]);
    return rows[0] ? toPerson(rows[0]) : null;
  },
});
