import type { Finding } from '../../src/discovery/patch.ts';

/** A finding as the reads return it (FINDING_COLUMNS), and as a Finding: shared by the repository and the scoped reads. */
export interface FindingRow {
  host: string;
  patch_id: string;
  state: Finding['state'];
  first_seen: Date;
  last_seen: Date;
  scan_id: string;
  superseded_by: string | null;
}

export const toFinding = (row: FindingRow): Finding => ({
  host: row.host,
  patchId: row.patch_id,
  state: row.state,
  firstSeen: row.first_seen,
  lastSeen: row.last_seen,
  scanId: row.scan_id,
  ...(row.superseded_by === null ? {} : { supersededBy: row.superseded_by }),
});

/**
 * A finding's columns for `findings f left join host_findings_seen seen on seen.host = f.host`. The row
 * records its last change (migration 013); an open finding was also seen, unchanged, by every scan
 * that reported the host's findings since, the latest of which host_findings_seen keeps. A closed
 * one (installed, superseded) was last seen when it closed.
 */
export const FINDING_COLUMNS = `f.host, f.patch_id, f.state, f.first_seen, f.superseded_by,
  case when f.state not in ('installed', 'superseded') and seen.seen_at > f.changed_at then seen.seen_at else f.changed_at end as last_seen,
  case when f.state not in ('installed', 'superseded') and seen.seen_at > f.changed_at then seen.scan_id else f.changed_in end as scan_id`;

/** The join FINDING_COLUMNS reads from, after `from findings f`. */
export const SEEN_JOIN = 'left join host_findings_seen seen on seen.host = f.host';

/**
 * Locks the sightings of the hosts whose findings a statement writes, creating the missing ones (a
 * placeholder the statement then fills in), in name order so that writers never wait on
 * each other in a circle. A conflicting upsert locks the row it meets even when its WHERE says
 * not to update it. Held until commit: a second writer of one of these hosts waits, then reads
 * what this one wrote, so a fingerprint always describes the rows beside it.
 */
export const LOCK_SIGHTINGS = `
  insert into host_findings_seen (host, seen_at, scan_id)
  select host, '-infinity', '' from unnest($1::text[]) as host order by host
  on conflict (host) do update set scan_id = excluded.scan_id where false`;

/**
 * Whether the host whose sighting is `seen` (after LOCK_SIGHTINGS) had none before this write: the
 * placeholder's '-infinity'. Every writer of findings writes the host's sighting in the same
 * statement, nothing deletes one, and migration 013 gave one to every host that had findings, so a
 * host without a sighting has no finding stored (finding-close.ts skips reading them).
 */
export const NEW_HOST = (seen: string): string => `coalesce(${seen}.seen_at = '-infinity', true)`;

/**
 * The host's latest sighting of its findings, and the fingerprint of the report its findings now
 * reflect (migration 016). An older scan stored late does not move the sighting back, but its
 * findings were written all the same: the fingerprint is always the last written one's. So are
 * the UpdateIDs the report offered its KBs under (migration 022; null but for Windows scans that
 * print them), which the host's next report reads for the KBs it closes (finding-close.ts).
 */
export const SIGHTING_AND_FINGERPRINT = `on conflict (host) do update set
         seen_at = greatest(excluded.seen_at, host_findings_seen.seen_at),
         scan_id = case when excluded.seen_at >= host_findings_seen.seen_at then excluded.scan_id else host_findings_seen.scan_id end,
         fingerprint = excluded.fingerprint,
         offered_updates = excluded.offered_updates
       where excluded.seen_at >= host_findings_seen.seen_at or excluded.fingerprint is distinct from host_findings_seen.fingerprint`;

/**
 * The patch check of migration 006 (findings have no foreign key), over the findings the
 * statement's `seen` CTE inserted: a row it updated or left alone refers to a patch checked when
 * that row was inserted, so a rescan checks the few findings it adds, not the ~1,500 distinct
 * patches of a 64-host batch.
 */
export const CHECK_INSERTED = 'select require_known_patches(array(select distinct patch_id from seen))';
