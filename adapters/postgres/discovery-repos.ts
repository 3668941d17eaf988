import type { Patch } from '../../src/discovery/patch.ts';
import type { FindingRepository, PatchRepository } from '../../src/discovery/discovery-store.ts';
import { needing } from './digest-reads.ts';
import { patchCoverage, pendingIn } from './finding-reads.ts';
import { hostStatus } from './host-status-read.ts';
import { type FindingRow, toFinding } from './finding-row.ts';
import type { SqlClient } from './sql-client.ts';

interface PatchRow {
  id: string;
  title: string;
  severity: Patch['severity'];
  security: boolean;
  cves: string[];
  reboot_hint: boolean;
  first_seen: Date;
}

const toPatch = (row: PatchRow): Patch => ({
  id: row.id,
  title: row.title,
  severity: row.severity,
  security: row.security,
  cves: row.cves,
  rebootHint: row.reboot_hint,
  firstSeen: row.first_seen,
});

/** Severities from weakest to strongest, as SQL: the catalog keeps the strongest any host reported. */
const RANKS = "array['unknown','low','moderate','important','critical']";

export const patchRepository = (sql: SqlClient): PatchRepository => ({
  async upsert(patches, scanId) {
    if (patches.length === 0) return [];
    const rows = JSON.stringify(patches.map((p) => ({ ...p, reboot_hint: p.rebootHint, first_seen: p.firstSeen.toISOString() })));
    const recordset = `jsonb_to_recordset($1::jsonb) as p(id text, title text, severity text, security boolean, cves jsonb, reboot_hint boolean, first_seen timestamptz)`;
    return sql.transaction(async (tx) => {
      // Every host of a scan reports mostly the same patches at once. ON CONFLICT DO UPDATE would
      // lock each existing row and serialise those hosts; DO NOTHING takes no lock on rows that
      // exist, and the update below touches only rows whose metadata really changed.
      const inserted = await tx.query<{ id: string }>(
        `insert into patches (id, title, severity, security, cves, reboot_hint, first_seen, first_scan_id)
         select p.id, p.title, p.severity, p.security, array(select jsonb_array_elements_text(p.cves)), p.reboot_hint, p.first_seen, $2
         from ${recordset}
         on conflict (id) do nothing
         returning id`,
        [rows, scanId ?? null],
      );
      // One host's report never weakens the catalog (src/discovery/catalog-merge.ts): severity
      // only rises, the security flag and reboot hint are only ever set, CVEs only added, and the
      // title stays the first one stored. A row is written only when the report adds something.
      await tx.query(
        `update patches t set
           severity = case when array_position(${RANKS}, p.severity) > array_position(${RANKS}, t.severity) then p.severity else t.severity end,
           security = t.security or p.security,
           reboot_hint = t.reboot_hint or p.reboot_hint,
           cves = t.cves || array(select c from jsonb_array_elements_text(p.cves) as c where not (c = any(t.cves)))
         from ${recordset}
         where t.id = p.id and (
           array_position(${RANKS}, p.severity) > array_position(${RANKS}, t.severity)
           or (p.security and not t.security) or (p.reboot_hint and not t.reboot_hint)
           or not (array(select jsonb_array_elements_text(p.cves)) <@ t.cves))`,
        [rows],
      );
      return inserted.map((r) => r.id);
    });
  },
  async firstSeenIn(scanId) {
    return (await sql.query<PatchRow>('select * from patches where first_scan_id = $1 order by id', [scanId])).map(toPatch);
  },
  async get(id) {
    const rows = await sql.query<PatchRow>('select * from patches where id = $1', [id]);
    return rows[0] ? toPatch(rows[0]) : null;
  },
  async byIds(ids) {
    return (await sql.query<PatchRow>('select * from patches where id = any($1::text[]) order by id', [ids])).map(toPatch);
  },
  async list() {
    return (await sql.query<PatchRow>('select * from patches order by id')).map(toPatch);
  },
});

export const findingRepository = (sql: SqlClient): FindingRepository => ({
  async record(scanId, host, findings, at) {
    // One statement, one round trip: the upsert of what this scan saw and the update that marks
    // what it no longer saw run as data-modifying CTEs. The two touch disjoint rows (the update
    // excludes this scan's patch ids), which one statement requires. The patch ids are checked
    // once for the statement (migration 006), and an unknown one undoes all of it.
    const ids = findings.map((f) => f.patchId);
    await sql.query(
      `with seen as (
         insert into findings (host, patch_id, state, first_seen, last_seen, scan_id)
         select $1, f.patch_id, f.state, $3, $3, $2 from unnest($4::text[], $5::text[]) as f(patch_id, state)
         on conflict (host, patch_id) do update set state = excluded.state, last_seen = excluded.last_seen, scan_id = excluded.scan_id
         returning 1
       ), gone as (
         update findings set state = 'installed', last_seen = $3, scan_id = $2
         where host = $1 and state in ('missing', 'pending-reboot', 'failed') and not (patch_id = any($4::text[]))
       )
       select require_known_patches($4::text[])`,
      [host, scanId, at, ids, findings.map((f) => f.state)],
    );
  },
  async byPatch(patchId) {
    return (await sql.query<FindingRow>('select * from findings where patch_id = $1 order by host', [patchId])).map(toFinding);
  },
  async byHost(host) {
    return (await sql.query<FindingRow>('select * from findings where host = $1 order by patch_id', [host])).map(toFinding);
  },
  async hostsByPatch(patchIds, states) {
    if (patchIds.length === 0) return new Map();
    // json_agg, not array_agg: the driver parses a text[] result character by character, JSON natively.
    const rows = await sql.query<{ patch_id: string; hosts: string[] }>(
      'select patch_id, json_agg(host order by host) as hosts from findings where patch_id = any($1::text[]) and state = any($2::text[]) group by patch_id',
      [patchIds, states],
    );
    return new Map(rows.map((row) => [row.patch_id, row.hosts]));
  },
  async openOf(hosts) {
    const rows = await sql.query<FindingRow>(`select * from findings where host = any($1::text[]) and state in ('missing', 'failed', 'pending-reboot') order by host, patch_id`, [hosts]);
    return rows.map(toFinding);
  },
  needing: (patchIds, states, sample) => needing(sql, patchIds, states, sample),
  patchCoverage: (patchId, scope, limit) => patchCoverage(sql, patchId, scope, limit),
  pendingIn: (scope) => pendingIn(sql, scope),
  hostStatus: (host) => hostStatus(sql, host),
  async pruneInstalled(before) {
    const rows = await sql.query<{ n: number }>(`with gone as (delete from findings where state = 'installed' and last_seen < $1 returning 1) select count(*)::int as n from gone`, [before]);
    return rows[0]?.n ?? 0;
  },
});
