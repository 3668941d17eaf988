import { floorOf } from '../../src/discovery/catalog-merge.ts';
import type { CatalogPatch } from '../../src/discovery/patch.ts';
import { MAX_CVES, MAX_TITLE } from '../../src/discovery/patch-bounds.ts';
import type { FindingRepository, PatchRepository } from '../../src/discovery/discovery-store.ts';
import { discovered } from './digest-reads.ts';
import { closeFindings, REPORTED_BESIDE_STORED, WRITE_REPORTED } from './finding-close.ts';
import { offeredColumns, storedOffers } from './offered-columns.ts';
import { findingsOfPatch, patchCoverage, pendingIn } from './finding-reads.ts';
import { CHECK_INSERTED, FINDING_COLUMNS, type FindingRow, LOCK_SIGHTINGS, NEW_HOST, SIGHTING_AND_FINGERPRINT, SEEN_JOIN, toFinding } from './finding-row.ts';
import { hostStatus } from './host-status-read.ts';
import { patchSuggestions } from './patch-suggestions.ts';
import type { SqlClient } from './sql-client.ts';

interface PatchRow {
  id: string;
  title: string;
  severity: CatalogPatch['severity'];
  security: boolean;
  cves: string[];
  reboot_hint: boolean;
  first_seen: Date;
  severity_floor: CatalogPatch['severity'];
  security_floor: boolean;
}

const toPatch = (row: PatchRow): CatalogPatch => ({
  id: row.id,
  title: row.title,
  severity: row.severity,
  security: row.security,
  cves: row.cves,
  rebootHint: row.reboot_hint,
  firstSeen: row.first_seen,
  floor: { severity: row.severity_floor, security: row.security_floor },
});

/** Severities from weakest to strongest, as SQL: the catalog keeps the strongest any host reported, and the weakest (migration 023). */
const RANKS = "array['unknown','low','moderate','important','critical']";

// The catalog's bounds (src/discovery/patch-bounds.ts) again in SQL, so no caller can store more;
// migration 019 holds the table to them. Valid CVE ids of the report, in its order, at most MAX_CVES.
const CVE_ID = `'^CVE-[0-9]{4}-[0-9]{4,11}$'`;
const reportedCves = (exclude: string) => `array(select c from jsonb_array_elements_text(p.cves) with ordinality as r(c, n) where c ~ ${CVE_ID} ${exclude} order by n limit ${MAX_CVES})`;
const TITLE = `case when char_length(p.title) > ${MAX_TITLE} then left(p.title, ${MAX_TITLE - 1}) || '…' else p.title end`;

export const patchRepository = (sql: SqlClient): PatchRepository => ({
  async upsert(patches, scanId) {
    if (patches.length === 0) return [];
    const rows = JSON.stringify(
      patches.map((p) => {
        const floor = floorOf(p);
        return { ...p, reboot_hint: p.rebootHint, first_seen: p.firstSeen.toISOString(), severity_floor: floor.severity, security_floor: floor.security };
      }),
    );
    const recordset = `jsonb_to_recordset($1::jsonb) as p(id text, title text, severity text, security boolean, cves jsonb, reboot_hint boolean, first_seen timestamptz, severity_floor text, security_floor boolean)`;
    return sql.transaction(async (tx) => {
      // Every host of a scan reports mostly the same patches at once. ON CONFLICT DO UPDATE would
      // lock each existing row and serialise those hosts; DO NOTHING takes no lock on rows that
      // exist, and the update below touches only rows whose metadata really changed.
      const inserted = await tx.query<{ id: string }>(
        `insert into patches (id, title, severity, security, cves, reboot_hint, first_seen, first_scan_id, severity_floor, security_floor)
         select p.id, ${TITLE}, p.severity, p.security, ${reportedCves('')}, p.reboot_hint, p.first_seen, $2, p.severity_floor, p.security_floor
         from ${recordset}
         on conflict (id) do nothing
         returning id`,
        [rows, scanId ?? null],
      );
      // One host's report decides nothing for the others (src/discovery/catalog-merge.ts): the
      // strongest claim only rises (severity; the security flag and reboot hint only ever set, CVEs
      // only added), what warns; the weakest claim only sinks (severity_floor; security_floor only
      // ever cleared), what grants pre-approval; the title stays the first one stored. Computed
      // from the row as it is when updated, so writers in other processes at the same moment each
      // count. A row is written only when the report changes it: a full CVE list (MAX_CVES, the
      // first ones stored) takes no more.
      await tx.query(
        `update patches t set
           severity = case when array_position(${RANKS}, p.severity) > array_position(${RANKS}, t.severity) then p.severity else t.severity end,
           security = t.security or p.security,
           reboot_hint = t.reboot_hint or p.reboot_hint,
           cves = (t.cves || ${reportedCves('and not (c = any(t.cves))')})[1:${MAX_CVES}],
           severity_floor = case when array_position(${RANKS}, p.severity_floor) < array_position(${RANKS}, t.severity_floor) then p.severity_floor else t.severity_floor end,
           security_floor = t.security_floor and p.security_floor
         from ${recordset}
         where t.id = p.id and (
           array_position(${RANKS}, p.severity) > array_position(${RANKS}, t.severity)
           or (p.security and not t.security) or (p.reboot_hint and not t.reboot_hint)
           or (cardinality(t.cves) < ${MAX_CVES} and not (${reportedCves('')} <@ t.cves))
           or array_position(${RANKS}, p.severity_floor) < array_position(${RANKS}, t.severity_floor)
           or (t.security_floor and not p.security_floor))`,
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
  suggestions: (word, bounds) => patchSuggestions(sql, word, bounds),
  async pruneUnreferenced(before) {
    return sql.transaction(async (tx) => {
      // SHARE waits for the transactions writing findings to commit and keeps new ones out until
      // this one does (one delete, once an hour): the delete below then sees every finding, and
      // none appears behind it naming a patch it removes.
      await tx.query('lock table findings in share mode');
      const rows = await tx.query<{ n: number }>(
        // A patch a scan is writing right now (its metadata row locked) is skipped, not waited
        // for: that scan would wait for this one's lock on findings, and the two would deadlock.
        `with carried as (select distinct unnest(patches) as id from changes
         ), doomed as (
           select p.id from patches p where p.first_seen < $1
             and not exists (select 1 from findings f where f.patch_id = p.id)
             and not exists (select 1 from findings f where f.superseded_by = p.id)
             and not exists (select 1 from carried c where c.id = p.id)
           for update of p skip locked
         ), gone as (
           delete from patches p using doomed d where p.id = d.id returning p.id
         ), counts as (
           delete from patch_needing n where n.patch_id in (select id from gone)
         )
         select count(*)::int as n from gone`,
        [before],
      );
      return rows[0]?.n ?? 0;
    });
  },
});

export const findingRepository = (sql: SqlClient): FindingRepository => ({
  async record(scanId, host, findings, at, installedKbs, offered) {
    // After the host's sighting is locked (LOCK_SIGHTINGS: another writer of the host waits), one
    // statement, as the scan writer's batch (scan-batch.ts) for one host: the findings this scan
    // saw beside their stored rows (`fx`), the open ones it no longer saw closed (closeFindings:
    // installed or superseded), the new ones inserted and the changed ones updated
    // (WRITE_REPORTED; migration 013: unchanged findings are not written), and the host's
    // sighting, as data-modifying CTEs. They touch disjoint rows (new, changed, and not reported
    // this time), which one statement requires. The patch ids of the findings it inserted are
    // checked once (CHECK_INSERTED), and an unknown one undoes all of it. A patch listed twice is
    // stored once, as its last report says (as the batch does).
    const byPatch = new Map(findings.map((f) => [f.patchId, f]));
    const reported = [...byPatch.values()];
    await sql.transaction(async (tx) => {
      await tx.query(LOCK_SIGHTINGS, [[host]]);
      // What the host was offered before, for the KBs this report can close (offered-columns.ts).
      const before = offered ? (await storedOffers(tx, [host])).get(host) : undefined;
      const { successor_of: successorOf } = offeredColumns(
        offered,
        before,
        reported.map((f) => f.patchId),
      );
      await tx.query(
        `with d as (
         select $1::text as host, $3::timestamptz as finished_at, $2::text as scan_id, $7::jsonb as installed_kbs,
           (select ${NEW_HOST('seen')} from (select 1) one left join host_findings_seen seen on seen.host = $1) as new_host,
           $10::jsonb as offered_before, $9::jsonb as successor_of
       ), f as (
         select $1::text as host, x.patch_id, x.state, $3::timestamptz as at, $2::text as scan_id, x.installed, (select new_host from d) as new_host
         from unnest($4::text[], $5::text[], $6::text[]) as x(patch_id, state, installed)
       ), ${closeFindings('f.installed')}, ${REPORTED_BESIDE_STORED}, ${WRITE_REPORTED}, sighted as (
         -- No fingerprint from this path: the next scan of the host compares finding by finding (migration 016).
         insert into host_findings_seen (host, seen_at, scan_id, fingerprint, offered_updates) values ($1, $3, $2, null, $8::jsonb) ${SIGHTING_AND_FINGERPRINT}
       )
       ${CHECK_INSERTED}`,
        [
          host,
          scanId,
          at,
          reported.map((f) => f.patchId),
          reported.map((f) => f.state),
          reported.map((f) => f.installed ?? null),
          installedKbs ? JSON.stringify(installedKbs) : null,
          offered ? JSON.stringify(Object.fromEntries(offered.ids)) : null,
          successorOf ? JSON.stringify(successorOf) : null,
          before ? JSON.stringify(before) : null,
        ],
      );
    });
  },
  async byPatch(patchId) {
    return (await sql.query<FindingRow>(`select ${FINDING_COLUMNS} from findings f ${SEEN_JOIN} where f.patch_id = $1 order by f.host`, [patchId])).map(toFinding);
  },
  async byHost(host) {
    return (await sql.query<FindingRow>(`select ${FINDING_COLUMNS} from findings f ${SEEN_JOIN} where f.host = $1 order by f.patch_id`, [host])).map(toFinding);
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
  async needing(hosts, patchIds) {
    if (hosts.length === 0 || patchIds.length === 0) return new Map();
    const rows = await sql.query<{ host: string; patches: string[] }>(
      `select host, json_agg(patch_id order by patch_id) as patches from findings
       where host = any($1::text[]) and patch_id = any($2::text[]) and state in ('missing', 'failed') group by host`,
      [hosts, patchIds],
    );
    return new Map(rows.map((row) => [row.host, row.patches]));
  },
  async openOf(hosts) {
    const rows = await sql.query<FindingRow>(
      `select ${FINDING_COLUMNS} from findings f ${SEEN_JOIN}
       where f.host = any($1::text[]) and f.state in ('missing', 'failed', 'pending-reboot') order by f.host, f.patch_id`,
      [hosts],
    );
    return rows.map(toFinding);
  },
  discovered: (scanId, sample, inventory) => discovered(sql, scanId, sample, inventory),
  patchCoverage: (patchId, scope, limit) => patchCoverage(sql, patchId, scope, limit),
  findingsOfPatch: (patchId, scope, states, limit, offset) => findingsOfPatch(sql, patchId, scope, states, limit, offset),
  pendingIn: (scope, page) => pendingIn(sql, scope, page),
  hostStatus: (host) => hostStatus(sql, host),
  async pruneInstalled(before) {
    // A scan that reopens a finding this deletes (it read the row before the delete committed)
    // would update nothing and store no finding, with a fingerprint saying it did (migration 016).
    // Clearing the fingerprints of the hosts pruned waits for such a scan's lock on the host's
    // sighting, and makes its next scan compare finding by finding.
    const rows = await sql.query<{ n: number }>(
      `with gone as (delete from findings where state in ('installed', 'superseded') and changed_at < $1 returning host
       ), cleared as (
         update host_findings_seen set fingerprint = null where host in (select host from gone) and fingerprint is not null
       )
       select count(*)::int as n from gone`,
      [before],
    );
    return rows[0]?.n ?? 0;
  },
});
