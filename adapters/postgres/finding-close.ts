/**
 * How a scan closes the open findings of a host that its report no longer lists, shared by both
 * writers of findings (findings.record and the scan writer's batch, scan-batch.ts), as CTEs of
 * their one statement. They expect `d` (one row per host written: host, finished_at, scan_id,
 * installed_kbs, new_host, offered_before, successor_of) and `f` (what each host's report lists:
 * host, patch_id, new_host), and are told how to read what the host runs of a listed finding's
 * package (`installed`, an expression over `f` and `d`).
 *
 * `new_host`: the host had no sighting before this write (NEW_HOST), so no finding stored either.
 * Its findings are neither read nor closed: on an estate's first scan that skips a probe of the
 * primary key per reported finding, a fifth of the statement (issue #20).
 *
 * A finding that drops out is `installed`, except a package version (`deb:libbar1@1.1-1`) when the
 * same report lists another version of that package (`…@1.2-1`): the host still misses the
 * package, so either it got 1.1-1 and the mirror has published a newer one since, or the mirror
 * replaced 1.1-1 before the host got it. The version the host runs (reported beside 1.2-1, from
 * apt's Inst lines or rpm -q, compared in Debian's or RPM's order) tells: at least 1.1-1 is
 * installed, anything less (or not known) is `superseded` — not open, not installed, and naming the
 * finding that superseded it. A finding awaiting a reboot was installed whatever is listed now.
 *
 * A Windows KB drops out too when a newer cumulative update supersedes it: the Update Agent's
 * search (IsInstalled=0) stops offering it, installed or not. So it is `installed` only when the
 * host's report shows the host has it (`d.installed_kbs`: Get-HotFix and the Update Agent's
 * history, src/discovery/parsers/windows.ts), else `superseded`. A report that cannot show it
 * (null: a scan from before the history was printed, or one whose list was cut) closes it
 * `installed`, as before. Its successor is the KB of this report whose updates supersede one of
 * the UpdateIDs the host's previous report offered the old KB under (`d.offered_before`: the
 * host's stored map, migration 022; `d.successor_of`: UpdateID → the KB of this report that
 * supersedes it, for the UpdateIDs of the KBs that can close only: offered-columns.ts). Either map
 * null (a report without UpdateIDs, before or now), or no update of this report naming them:
 * superseded with no successor, and no clock carried. The lookup runs only for the KBs that
 * close, on hosts whose report has UpdateIDs and whose previous offer held a KB this one does not.
 *
 * `carried` is the superseded findings' clock per superseding finding: the writers give that
 * finding the earliest first sighting of the versions (or KBs) it superseded on the host, so an SLA
 * clock keeps running from when the host first lacked the fix. With a fresh clock per version, a
 * mirror publishing faster than the SLA, or a host a cumulative update behind every month, would
 * stay vulnerable and never be overdue.
 */

/** `deb:libbar1@1.1-1` → `deb:libbar1`, in SQL; null for an advisory or a KB. */
export const PACKAGE_OF = (column: string): string => `substring(${column} from '^((?:deb|rpm):[^@]+)@')`;
const VERSION_OF = (column: string): string => `substring(${column} from '@(.*)$')`;

/**
 * The KB of this report (`d.successor_of`) that supersedes one of the UpdateIDs a closing KB `c`
 * was offered under (`d.offered_before`); the lowest KB number when several do. Null for anything
 * else (an advisory has no entry in the map).
 */
const KB_SUCCESSOR = `(
  select k from (select d.successor_of ->> u as k from jsonb_array_elements_text(d.offered_before -> c.patch_id) as u) x
  where k is not null order by length(k), k limit 1)`;

/** The open findings no longer reported (`closing`), how each closes (`closed`) and the clocks it hands on (`carried`). */
export const closeFindings = (installed: string): string => `
  closing as (
    select t.host, t.patch_id, t.state, t.first_seen, ${PACKAGE_OF('t.patch_id')} as pkg
    from findings t
    where t.host = any(array(select host from d where not new_host)) and t.state in ('missing', 'pending-reboot', 'failed')
      and not exists (select 1 from f where f.host = t.host and f.patch_id = t.patch_id)
  ), successors as (
    select f.host, f.patch_id, ${PACKAGE_OF('f.patch_id')} as pkg, ${installed} as installed from f join d on d.host = f.host
    where f.host = any(array(select host from closing where pkg is not null and state <> 'pending-reboot'))
  ), closed as (
    select distinct on (c.host, c.patch_id) c.host, c.patch_id, c.first_seen, d.finished_at, d.scan_id,
      case
        when c.state = 'pending-reboot' then 'installed'
        when c.patch_id ~ '^KB[0-9]+$' then case when d.installed_kbs is null or d.installed_kbs ? c.patch_id then 'installed' else 'superseded' end
        when s.patch_id is null then 'installed'
        when c.pkg like 'deb:%' and deb_version_cmp(s.installed, ${VERSION_OF('c.patch_id')}) >= 0 then 'installed'
        when c.pkg like 'rpm:%' and rpm_version_cmp(s.installed, ${VERSION_OF('c.patch_id')}) >= 0 then 'installed'
        else 'superseded'
      end as state,
      coalesce(s.patch_id, case when d.successor_of is not null and c.pkg is null and c.state <> 'pending-reboot' then ${KB_SUCCESSOR} end) as successor
    from closing c join d on d.host = c.host left join successors s on s.host = c.host and s.pkg = c.pkg
    order by c.host, c.patch_id, s.patch_id
  ), carried as (
    select host, successor as patch_id, min(first_seen) as first_seen from closed where state = 'superseded' and successor is not null group by host, successor
  ), gone as (
    update findings t set state = c.state, superseded_by = case when c.state = 'superseded' then c.successor end,
      changed_at = c.finished_at, changed_in = c.scan_id
    from closed c where t.host = c.host and t.patch_id = c.patch_id
  )`;

/**
 * Each reported finding beside its stored row's state and first sighting (nulls for a new one) and
 * the clock it takes over (`carried`, closeFindings; null for nearly all). One CTE, so that the
 * update below filters it before probing findings: with the `carried` join inside the update, the
 * planner hashed every stored finding for each statement. A new host's findings are all new: no
 * probe (the first branch).
 */
export const REPORTED_BESIDE_STORED = `
  fx as (
    select f.*, null::text as stored, null::timestamptz as stored_first_seen, null::timestamptz as carried from f where f.new_host
    union all
    select f.*, x.state as stored, x.first_seen as stored_first_seen, cr.first_seen as carried
    from f left join findings x on x.host = f.host and x.patch_id = f.patch_id left join carried cr on cr.host = f.host and cr.patch_id = f.patch_id
    where not f.new_host
  )`;

/**
 * What the report lists (`fx`, REPORTED_BESIDE_STORED): new findings inserted, those whose state
 * changed updated, the rest not written (migration 013) — except a superseding one, which takes
 * over the earlier clock. A finding reported again is open: no longer superseded.
 */
export const WRITE_REPORTED = `
  seen as (
    insert into findings (host, patch_id, state, first_seen, changed_at, changed_in)
    select fx.host, fx.patch_id, fx.state, least(fx.at, fx.carried), fx.at, fx.scan_id from fx
    where fx.stored is null
    returning patch_id
  ), changed as (
    update findings t set state = fx.state, superseded_by = null, first_seen = least(t.first_seen, fx.carried), changed_at = fx.at, changed_in = fx.scan_id
    from fx
    where (fx.stored <> fx.state or fx.carried < fx.stored_first_seen) and t.host = fx.host and t.patch_id = fx.patch_id
  )`;
