import { createHash } from 'node:crypto';
import type { FindingInput, HostScanWrite } from '../../src/discovery/discovery-store.ts';
import { installedColumn } from '../../src/discovery/package-version.ts';
import { closeFindings, REPORTED_BESIDE_STORED, WRITE_REPORTED } from './finding-close.ts';
import { offeredColumns, storedOffers } from './offered-columns.ts';
import { CHECK_INSERTED, LOCK_SIGHTINGS, NEW_HOST, SIGHTING_AND_FINGERPRINT } from './finding-row.ts';
import type { SqlClient } from './sql-client.ts';

// How a batch of host scans is written (issue #20: the scan path at 100,000 hosts); the reads of
// scans and the one-host write stay in scan-repo.ts.

/** Each host's latest scan is kept beside the history (migration 009); an older scan stored late does not replace a newer one. */
export const KEEP_LATEST = `
  on conflict (host) do update set scan_id = excluded.scan_id, outcome = excluded.outcome, error = excluded.error, started_at = excluded.started_at,
    finished_at = excluded.finished_at, reboot_required = excluded.reboot_required, os_name = excluded.os_name, installed = excluded.installed,
    missing_count = excluded.missing_count, warnings = excluded.warnings
  where excluded.finished_at >= host_latest_scans.finished_at`;
export const LATEST_COLUMNS = 'host, scan_id, outcome, error, started_at, finished_at, reboot_required, os_name, installed, missing_count, warnings';
/**
 * A host's first result in a scan is an insert, a retried one an update of that row: xmax is 0 only
 * on a row version no transaction has locked or updated, i.e. the one this insert just created.
 */
export const FIRST_RESULT = '(xmax = 0)';
/** Counts the first results (`stored`: scan_id, first) into scans.reported, which tryFinish compares to the targets (migration 012). */
export const COUNT_REPORTED = `
    update scans s set reported = s.reported + n.first
    from (select scan_id, count(*) filter (where first) as first from stored group by scan_id) n
    where s.id = n.scan_id and n.first > 0`;

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
 * stay absent: the host's findings are then left as they are. `versions` (installedColumn), when
 * the report says what the host runs of its packages, is read only for what closes
 * (finding-close.ts); it is not in the fingerprint: a report with the same findings leaves the same rows open.
 */
const findingColumns = (findings: readonly FindingInput[] | undefined): { patch_ids: string[]; states: string[]; fingerprint: string | null; versions?: string } | Record<string, never> => {
  if (!findings) return {};
  const byPatch = new Map(findings.map((f) => [f.patchId, f]));
  const states = new Map([...byPatch.values()].map((f) => [f.patchId, f.state]));
  const versions = installedColumn([...byPatch.values()]);
  return { patch_ids: [...states.keys()], states: [...states.values()], fingerprint: reportFingerprint(states), ...(versions ? { versions } : {}) };
};

/**
 * One batch of host scans in one statement. `d` keeps the hosts whose report differs from the one
 * their findings were last written from (the fingerprint, migration 016); only theirs are compared.
 * `fx` puts each of their reported findings beside its stored state (one probe of the primary key
 * each): new ones are inserted, changed ones updated, the rest not written (WRITE_REPORTED);
 * closeFindings closes what a host no longer reports (installed or superseded), as findings.record does.
 */
const RECORD_MANY = `
  with h as (
    select h.*, seen.fingerprint as stored_fingerprint, ${NEW_HOST('seen')} as new_host, seen.offered_updates as offered_before
    from jsonb_to_recordset($1::jsonb) as h(scan_id text, host text, outcome text, error text, started_at timestamptz, finished_at timestamptz,
      reboot_required boolean, os_name text, installed jsonb, missing_count integer, warnings jsonb, patch_ids jsonb, states jsonb, fingerprint text, versions text,
      installed_kbs jsonb, offered jsonb, offered_same boolean, successor_of jsonb)
    left join host_findings_seen seen on seen.host = h.host
  ), d as (
    select * from h where patch_ids is not null and (fingerprint is null or fingerprint is distinct from stored_fingerprint)
  ), f as (
    select d.host, x.patch_id, x.state, d.finished_at as at, d.scan_id, x.n, d.new_host
    from d, rows from (jsonb_array_elements_text(d.patch_ids), jsonb_array_elements_text(d.states)) with ordinality as x(patch_id, state, n)
  ), ${closeFindings(`nullif(split_part(d.versions, E'\\t', f.n::int), '')`)}, ${REPORTED_BESIDE_STORED}, ${WRITE_REPORTED}, sighted as (
    insert into host_findings_seen (host, seen_at, scan_id, fingerprint, offered_updates)
    select host, finished_at, scan_id, fingerprint, case when offered_same then offered_before else offered end from h where patch_ids is not null
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

/**
 * Stores a batch of host scans (ScanRepository.recordMany): the hosts' sightings locked, then one
 * statement. Per host it does what findings.record and recordHost do: insert the findings the scan
 * saw first, update those whose state changed, close what it no longer saw (installed or
 * superseded: three disjoint sets of rows, as one statement requires), and upsert the host's
 * sighting and freshness.
 */
export const recordScanBatch = async (sql: SqlClient, writes: readonly HostScanWrite[]): Promise<void> => {
  if (writes.length === 0) return;
  // Everything travels as one JSON document: far cheaper to build than the driver's text arrays,
  // and PostgreSQL reads it as fast.
  const hosts = writes.map(({ result: r, findings, installedKbs }) => ({
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
    // Read only for the KBs that close (finding-close.ts); absent (null) for most hosts.
    ...(installedKbs ? { installed_kbs: installedKbs } : {}),
  }));
  // Windows scans that print UpdateIDs only: what their hosts were offered before is read under
  // the lock (offered-columns.ts). Kept with the host's sighting even when its findings are not
  // compared (the same fingerprint), so the next report reads this one's.
  const offering = writes.flatMap((w, i) => (w.findings && w.offered ? [i] : []));
  const sighted = writes.filter((w) => w.findings).map((w) => w.result.host);
  // Without statistics on findings (a new store, or one that grew faster than autovacuum
  // analyzes it: the first scan of an estate), the planner reads all of findings for the rows a
  // rescan no longer saw — per batch, so quadratic over a scan (issue #20). Every row this
  // statement touches is found by a key, so sequential scans are off for it alone. So is JIT:
  // the planner's estimates for the key probes pass jit_above_cost, and compiling the statement
  // took ~50 ms of a ~60 ms rescan batch at 100,000 hosts (EXPLAIN ANALYZE; its rows take ~5).
  await sql.transaction(async (tx) => {
    if (sighted.length) await tx.query(LOCK_SIGHTINGS, [sighted]);
    const stored = await storedOffers(
      tx,
      offering.map((i) => writes[i]!.result.host),
    );
    for (const i of offering) {
      const { result, findings, offered } = writes[i]!;
      Object.assign(
        hosts[i]!,
        offeredColumns(
          offered,
          stored.get(result.host),
          findings!.map((f) => f.patchId),
        ),
      );
    }
    await tx.query('set local enable_seqscan = off');
    await tx.query('set local jit = off');
    await tx.query(RECORD_MANY, [JSON.stringify(hosts)]);
    await tx.query('set local jit to default');
    await tx.query('set local enable_seqscan to default');
  });
};
