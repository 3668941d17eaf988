import type { HostScan } from '../../src/discovery/patch.ts';
import type { FindingInput, FreshnessFacts, ScanRepository } from '../../src/discovery/discovery-store.ts';
import { createHash } from 'node:crypto';
import { CHECK_INSERTED, LOCK_SIGHTINGS, SIGHTING_AND_FINGERPRINT } from './finding-row.ts';
import { jsonDate, scopeRows } from './host-scope.ts';
import type { SqlClient } from './sql-client.ts';

export interface HostScanRow {
  scan_id: string;
  host: string;
  outcome: HostScan['outcome'];
  error: string | null;
  started_at: Date;
  finished_at: Date;
  reboot_required: boolean | null;
  os_name: string | null;
  installed: string[];
  missing_count: number | null;
  warnings: string[];
}

export const toHostScan = (row: HostScanRow): HostScan => ({
  scanId: row.scan_id,
  host: row.host,
  outcome: row.outcome,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  rebootRequired: row.reboot_required,
  osName: row.os_name,
  installed: row.installed,
  missingCount: row.missing_count,
  warnings: row.warnings,
  ...(row.error !== null ? { error: row.error } : {}),
});

/** The same row read back through json_agg: timestamps arrive as text. */
type HostScanJson = Omit<HostScanRow, 'started_at' | 'finished_at'> & { started_at: string; finished_at: string };
const fromJson = (row: HostScanJson): HostScan => toHostScan({ ...row, started_at: new Date(row.started_at), finished_at: new Date(row.finished_at) });

/** Each host's latest scan is kept beside the history (migration 009); an older scan stored late does not replace a newer one. */
const KEEP_LATEST = `
  on conflict (host) do update set scan_id = excluded.scan_id, outcome = excluded.outcome, error = excluded.error, started_at = excluded.started_at,
    finished_at = excluded.finished_at, reboot_required = excluded.reboot_required, os_name = excluded.os_name, installed = excluded.installed,
    missing_count = excluded.missing_count, warnings = excluded.warnings
  where excluded.finished_at >= host_latest_scans.finished_at`;
const LATEST_COLUMNS = 'host, scan_id, outcome, error, started_at, finished_at, reboot_required, os_name, installed, missing_count, warnings';
/**
 * A host's first result in a scan is an insert, a retried one an update of that row: xmax is 0 only
 * on a row version no transaction has locked or updated, i.e. the one this insert just created.
 */
const FIRST_RESULT = '(xmax = 0)';
/** Counts the first results (`stored`: scan_id, first) into scans.reported, which tryFinish compares to the targets (migration 012). */
const COUNT_REPORTED = `
    update scans s set reported = s.reported + n.first
    from (select scan_id, count(*) filter (where first) as first from stored group by scan_id) n
    where s.id = n.scan_id and n.first > 0`;

interface ProgressRow {
  id: string;
  requested_by: string;
  hosts: number;
  started_at: Date;
  finished_at: Date | null;
  done: number;
  ok: number;
  unreachable: number;
  failed: number;
  last_result_at: Date | null;
}

/** The states a fingerprint may cover: those no one deletes (housekeeping prunes installed findings). */
const OPEN_STATES = new Set<FindingInput['state']>(['missing', 'pending-reboot', 'failed']);

/**
 * What a host reported, as one value (migration 016): the same findings give the same
 * fingerprint, in any order. Null when the report holds a state that is not open.
 */
const reportFingerprint = (byPatch: ReadonlyMap<string, FindingInput['state']>): string | null => {
  const hash = createHash('sha256');
  for (const patchId of [...byPatch.keys()].sort()) {
    const state = byPatch.get(patchId)!;
    if (!OPEN_STATES.has(state)) return null;
    hash.update(`${patchId}\t${state}\n`);
  }
  return hash.digest('base64');
};

/**
 * A host's findings as two parallel arrays, one per patch (the last report of a patch wins): a
 * statement may insert or update a row only once. Absent findings (the scan did not get that far)
 * stay absent: the host's findings are then left as they are.
 */
const findingColumns = (findings: readonly FindingInput[] | undefined): { patch_ids: string[]; states: string[]; fingerprint: string | null } | Record<string, never> => {
  if (!findings) return {};
  const byPatch = new Map(findings.map((f) => [f.patchId, f.state]));
  return { patch_ids: [...byPatch.keys()], states: [...byPatch.values()], fingerprint: reportFingerprint(byPatch) };
};

/**
 * One batch of host scans in one statement. `d` keeps the hosts whose report differs from the one
 * their findings were last written from (the fingerprint, migration 016); only theirs are compared.
 * `fx` puts each of their reported findings beside its stored state (one probe of the primary key
 * each): new ones are inserted, changed ones updated, the rest not written; `gone` closes what a
 * host no longer reports.
 */
const RECORD_MANY = `
  with h as (
    select h.*, seen.fingerprint as stored_fingerprint
    from jsonb_to_recordset($1::jsonb) as h(scan_id text, host text, outcome text, error text, started_at timestamptz, finished_at timestamptz,
      reboot_required boolean, os_name text, installed jsonb, missing_count integer, warnings jsonb, patch_ids jsonb, states jsonb, fingerprint text)
    left join host_findings_seen seen on seen.host = h.host
  ), d as (
    select * from h where patch_ids is not null and (fingerprint is null or fingerprint is distinct from stored_fingerprint)
  ), f as (
    select d.host, x.patch_id, x.state, d.finished_at as at, d.scan_id
    from d, rows from (jsonb_array_elements_text(d.patch_ids), jsonb_array_elements_text(d.states)) as x(patch_id, state)
  ), fx as (
    select f.*, x.state as stored from f left join findings x on x.host = f.host and x.patch_id = f.patch_id
  ), seen as (
    insert into findings (host, patch_id, state, first_seen, changed_at, changed_in)
    select host, patch_id, state, at, at, scan_id from fx where stored is null
    returning patch_id
  ), changed as (
    update findings t set state = fx.state, changed_at = fx.at, changed_in = fx.scan_id from fx
    where fx.stored <> fx.state and t.host = fx.host and t.patch_id = fx.patch_id
  ), gone as (
    update findings t set state = 'installed', changed_at = d.finished_at, changed_in = d.scan_id
    from d
    where t.host = any(array(select host from d)) and d.host = t.host and t.state in ('missing', 'pending-reboot', 'failed')
      and not exists (select 1 from f where f.host = t.host and f.patch_id = t.patch_id)
  ), sighted as (
    insert into host_findings_seen (host, seen_at, scan_id, fingerprint)
    select host, finished_at, scan_id, fingerprint from h where patch_ids is not null
    ${SIGHTING_AND_FINGERPRINT}
  ), stored as (
    insert into host_scans (scan_id, host, outcome, error, started_at, finished_at, reboot_required, os_name, installed, missing_count, warnings)
    select scan_id, host, outcome, error, started_at, finished_at, reboot_required, os_name,
      array(select jsonb_array_elements_text(installed)), missing_count, array(select jsonb_array_elements_text(warnings))
    from h
    on conflict (scan_id, host) do update set outcome = excluded.outcome, error = excluded.error, finished_at = excluded.finished_at,
      reboot_required = excluded.reboot_required, os_name = excluded.os_name, installed = excluded.installed,
      missing_count = excluded.missing_count, warnings = excluded.warnings
    returning scan_id, ${FIRST_RESULT} as first
  ), counted as (${COUNT_REPORTED}
  ), latest as (
    insert into host_latest_scans (${LATEST_COLUMNS})
    select host, scan_id, outcome, error, started_at, finished_at, reboot_required, os_name,
      array(select jsonb_array_elements_text(installed)), missing_count, array(select jsonb_array_elements_text(warnings))
    from h
    ${KEEP_LATEST}
  )
  ${CHECK_INSERTED}`;

export const scanRepository = (sql: SqlClient): ScanRepository => ({
  async start(scanId, requestedBy, targets, at) {
    await sql.query('insert into scans (id, requested_by, targets, started_at) values ($1, $2, $3, $4)', [scanId, requestedBy, targets, at]);
  },
  async recordHost(result) {
    await sql.query(
      `with stored as (
         insert into host_scans (scan_id, host, outcome, error, started_at, finished_at, reboot_required, os_name, installed, missing_count, warnings)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         on conflict (scan_id, host) do update set outcome = excluded.outcome, error = excluded.error, finished_at = excluded.finished_at,
           reboot_required = excluded.reboot_required, os_name = excluded.os_name, installed = excluded.installed,
           missing_count = excluded.missing_count, warnings = excluded.warnings
         returning *, ${FIRST_RESULT} as first
       ), counted as (${COUNT_REPORTED}
       )
       insert into host_latest_scans (${LATEST_COLUMNS}) select ${LATEST_COLUMNS} from stored
       ${KEEP_LATEST}`,
      [
        result.scanId,
        result.host,
        result.outcome,
        result.error ?? null,
        result.startedAt,
        result.finishedAt,
        result.rebootRequired ?? null,
        result.osName ?? null,
        result.installed ?? [],
        result.missingCount ?? null,
        result.warnings ?? [],
      ],
    );
  },
  async recordMany(writes) {
    if (writes.length === 0) return;
    // One statement for the whole batch. Per host it
    // does what findings.record and recordHost do: insert the findings the scan saw first, update
    // those whose state changed, mark what it no longer saw installed (three disjoint sets of
    // rows: one statement requires it), and upsert the host's sighting and freshness. Everything travels as one JSON document: far cheaper to
    // build than the driver's text arrays, and PostgreSQL reads it as fast.
    const hosts = writes.map(({ result: r, findings }) => ({
      scan_id: r.scanId,
      host: r.host,
      outcome: r.outcome,
      error: r.error ?? null,
      started_at: r.startedAt.toISOString(),
      finished_at: r.finishedAt.toISOString(),
      reboot_required: r.rebootRequired ?? null,
      os_name: r.osName ?? null,
      installed: r.installed ?? [],
      missing_count: r.missingCount ?? null,
      warnings: r.warnings ?? [],
      ...findingColumns(findings),
    }));
    const sighted = writes.filter((w) => w.findings).map((w) => w.result.host);
    // Without statistics on findings (a new store, or one that grew faster than autovacuum
    // analyzes it: the first scan of an estate), the planner reads all of findings for the rows a
    // rescan no longer saw — per batch, so quadratic over a scan (issue #20). Every row this
    // statement touches is found by a key, so sequential scans are off for it alone. So is JIT:
    // the planner's estimates for the key probes pass jit_above_cost, and compiling the statement
    // took ~50 ms of a ~60 ms rescan batch at 100,000 hosts (EXPLAIN ANALYZE; its rows take ~5).
    await sql.transaction(async (tx) => {
      if (sighted.length) await tx.query(LOCK_SIGHTINGS, [sighted]);
      await tx.query('set local enable_seqscan = off');
      await tx.query('set local jit = off');
      await tx.query(RECORD_MANY, [JSON.stringify(hosts)]);
      await tx.query('set local jit to default');
      await tx.query('set local enable_seqscan to default');
    });
  },
  async finish(scanId, at) {
    await sql.query('update scans set finished_at = $2 where id = $1', [scanId, at]);
  },
  async tryFinish(scanId, at) {
    const rows = await sql.query(`update scans set finished_at = $2 where id = $1 and finished_at is null and reported >= cardinality(targets) returning id`, [scanId, at]);
    return rows.length === 1;
  },
  async progress(scanId) {
    const rows = await sql.query<ProgressRow>(
      `select s.id, s.requested_by, cardinality(s.targets)::int as hosts, s.started_at, s.finished_at,
         count(h.host)::int as done,
         (count(*) filter (where h.outcome = 'ok'))::int as ok,
         (count(*) filter (where h.outcome = 'unreachable'))::int as unreachable,
         (count(*) filter (where h.outcome = 'failed'))::int as failed,
         max(h.finished_at) as last_result_at
       from scans s left join host_scans h on h.scan_id = s.id where s.id = $1 group by s.id`,
      [scanId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      scanId: row.id,
      requestedBy: row.requested_by,
      hosts: row.hosts,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      done: row.done,
      ok: row.ok,
      unreachable: row.unreachable,
      failed: row.failed,
      lastResultAt: row.last_result_at,
    };
  },
  async results(scanId) {
    return (await sql.query<HostScanRow>('select * from host_scans where scan_id = $1 order by host', [scanId])).map(toHostScan);
  },
  async latestPerHost() {
    return (await sql.query<HostScanRow>('select * from host_latest_scans order by host')).map(toHostScan);
  },
  async latestOf(hosts) {
    return (await sql.query<HostScanRow>('select * from host_latest_scans where host = any($1::text[]) order by host', [hosts])).map(toHostScan);
  },
  async freshness(scope, sample) {
    const params: unknown[] = [sample];
    const rows = await sql.query<FreshnessRow>(
      `with l as materialized (
         select s.name as host, l.outcome, l.finished_at from ${scopeRows(scope, params)} s left join host_latest_scans l on l.host = s.name
       )
       select count(*)::int as hosts, (count(*) filter (where outcome = 'ok'))::int as scanned,
         max(finished_at) filter (where outcome = 'ok') as newest, min(finished_at) filter (where outcome = 'ok') as oldest,
         (count(*) filter (where outcome <> 'ok'))::int as unreachable, coalesce(array_agg(distinct outcome) filter (where outcome <> 'ok'), '{}') as outcomes,
         (count(*) filter (where outcome is null))::int as never,
         (select coalesce(json_agg(u), '[]') from (
            select host, outcome, finished_at as tried_at, (select seen.seen_at from host_findings_seen seen where seen.host = l2.host) as last_seen
            from l l2 where outcome <> 'ok' order by finished_at, host limit $1) u) as unreachable_first,
         (select coalesce(json_agg(host), '[]') from (select host from l where outcome is null order by host limit $1) n) as never_first
       from l`,
      params,
    );
    const row = rows[0]!;
    return {
      hosts: row.hosts,
      scanned: row.scanned,
      newest: row.newest,
      oldest: row.oldest,
      unreachable: {
        count: row.unreachable,
        outcomes: row.outcomes,
        first: row.unreachable_first.map((u) => ({ host: u.host, outcome: u.outcome, triedAt: new Date(u.tried_at), lastSeen: jsonDate(u.last_seen) })),
      },
      neverScanned: { count: row.never, first: row.never_first },
    };
  },
  async reboots(scope, limit) {
    const params: unknown[] = [limit];
    const rows = await sql.query<{ scanned: number; required: number; unknown: number; required_first: HostScanJson[]; unknown_first: string[] }>(
      `with l as materialized (select l.* from ${scopeRows(scope, params)} s join host_latest_scans l on l.host = s.name)
       select (select count(*)::int from l) as scanned, (select count(*)::int from l where reboot_required) as required,
         (select count(*)::int from l where reboot_required is null) as unknown,
         (select coalesce(json_agg(r), '[]') from (select * from l where reboot_required order by host limit $1) r) as required_first,
         (select coalesce(json_agg(host), '[]') from (select host from l where reboot_required is null order by host limit $1) u) as unknown_first`,
      params,
    );
    const row = rows[0]!;
    return { scanned: row.scanned, required: { count: row.required, first: row.required_first.map(fromJson) }, unknown: { count: row.unknown, first: row.unknown_first } };
  },
  async pruneHistory(before) {
    return sql.transaction(async (tx) => {
      const [gone] = await tx.query<{ n: number }>('with gone as (delete from host_scans where finished_at < $1 returning 1) select count(*)::int as n from gone', [before]);
      await tx.query('delete from scans s where s.finished_at < $1 and not exists (select 1 from host_scans h where h.scan_id = s.id)', [before]);
      return gone?.n ?? 0;
    });
  },
});

interface FreshnessRow {
  hosts: number;
  scanned: number;
  newest: Date | null;
  oldest: Date | null;
  unreachable: number;
  outcomes: FreshnessFacts['unreachable']['outcomes'];
  never: number;
  unreachable_first: { host: string; outcome: HostScan['outcome']; tried_at: string; last_seen: string | null }[];
  never_first: string[];
}
