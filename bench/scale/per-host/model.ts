/**
 * The storage model issue #20's ingest bound was measured against: one row per host holding its
 * findings as parallel arrays, with a GIN index over `patch|state` keys, instead of a row per
 * finding. Not patchbot's schema: a prototype, written as far as a first scan and a rescan need
 * (bench/scale/per-host/run.ts). Everything the answers read is kept up in the same statement as
 * the shipped writer keeps it by triggers: each host's open-finding facts (host_open_findings),
 * the hosts needing each patch (patch_needing) and, new here, the hosts per patch and state
 * (patch_state_counts: with no index by patch, counts by state have nowhere else to come from).
 *
 * What makes the statement cheap: a host seen for the first time takes its report's arrays as
 * they came (no aggregation); the facts per host are grouped twice (host, severity, security,
 * then host); the patch check rides on the join to patches the facts need anyway.
 */
export const PER_HOST_SCHEMA = `
create table host_findings (
  host text primary key,
  patch_ids text[] not null,
  states text[] not null,
  first_seen timestamptz[] not null,
  changed_at timestamptz[] not null,
  changed_in text[] not null,
  superseded_by text[] not null,
  seen_at timestamptz not null,
  scan_id text not null,
  fingerprint text,
  needing integer not null,
  keys text[] not null
);
create index host_findings_keys on host_findings using gin (keys);
create table patch_state_counts (patch_id text, state text, hosts integer not null, primary key (patch_id, state)) with (fillfactor = 25);
`;

// One statement per batch: the stored row of each host beside what it reported, merged per
// host, the per-host summary (host_open_findings) and per-patch counts (patch_needing) from
// the same rows, the host's scan rows as today.
export const PER_HOST_WRITE = `
with h as (
  select h.* from jsonb_to_recordset($1::jsonb) as h(scan_id text, host text, outcome text, error text, started_at timestamptz, finished_at timestamptz,
    reboot_required boolean, os_name text, installed jsonb, missing_count integer, warnings jsonb, patch_ids jsonb, states jsonb, fingerprint text, versions text)
), s as (
  select s.* from host_findings s where s.host = any(array(select host from h where patch_ids is not null))
), d as (
  select h.*, array(select jsonb_array_elements_text(h.patch_ids)) as ids, array(select jsonb_array_elements_text(h.states)) as sts from h left join s on s.host = h.host where h.patch_ids is not null and (h.fingerprint is null or h.fingerprint is distinct from s.fingerprint)
), f as (
  select d.host, x.patch_id, x.state, d.finished_at as at, d.scan_id
  from d, rows from (jsonb_array_elements_text(d.patch_ids), jsonb_array_elements_text(d.states)) as x(patch_id, state)
), old as (
  select s.host, u.* from s join d on d.host = s.host, unnest(s.patch_ids, s.states, s.first_seen, s.changed_at, s.changed_in, s.superseded_by) as u(patch_id, state, first_seen, changed_at, changed_in, superseded_by)
), merged as (
  select coalesce(f.host, o.host) as host, coalesce(f.patch_id, o.patch_id) as patch_id,
    case when f.patch_id is not null then f.state when o.state in ('missing', 'failed', 'pending-reboot') then 'installed' else o.state end as state,
    o.state as was,
    coalesce(o.first_seen, f.at) as first_seen,
    case when o.state is not distinct from f.state then o.changed_at else coalesce(f.at, (select finished_at from d where d.host = o.host)) end as changed_at,
    case when o.state is not distinct from f.state then o.changed_in else coalesce(f.scan_id, (select scan_id from d where d.host = o.host)) end as changed_in,
    o.superseded_by
  from f full join old o on o.host = f.host and o.patch_id = f.patch_id
), rows as (
  -- A host with no stored row (its first scan) takes its report's arrays as they came; the others are merged.
  select d.host, d.ids as patch_ids, d.sts as states, array_fill(d.finished_at, array[cardinality(d.ids)]) as first_seen,
    array_fill(d.finished_at, array[cardinality(d.ids)]) as changed_at, array_fill(d.scan_id, array[cardinality(d.ids)]) as changed_in,
    array_fill(null::text, array[cardinality(d.ids)]) as superseded_by,
    array(select i || '|' || st from unnest(d.ids, d.sts) as k(i, st)) as keys
  from d where not exists (select 1 from s where s.host = d.host)
  union all
  select m.host, array_agg(m.patch_id), array_agg(m.state), array_agg(m.first_seen), array_agg(m.changed_at), array_agg(m.changed_in), array_agg(m.superseded_by), array_agg(m.patch_id || '|' || m.state)
  from merged m where exists (select 1 from s where s.host = m.host) group by m.host
), written as (
  insert into host_findings (host, patch_ids, states, first_seen, changed_at, changed_in, superseded_by, seen_at, scan_id, fingerprint, needing, keys)
  select r.host, r.patch_ids, r.states, r.first_seen, r.changed_at, r.changed_in, r.superseded_by, d.finished_at, d.scan_id, d.fingerprint, 0, r.keys
  from rows r join d on d.host = r.host
  on conflict (host) do update set patch_ids = excluded.patch_ids, states = excluded.states, first_seen = excluded.first_seen, changed_at = excluded.changed_at,
    changed_in = excluded.changed_in, superseded_by = excluded.superseded_by, seen_at = excluded.seen_at, scan_id = excluded.scan_id,
    fingerprint = excluded.fingerprint, needing = excluded.needing
), j as (
  select m.host, m.patch_id, m.state, m.first_seen, p.id is not null as known, p.first_seen as released, coalesce(p.security, true) as security,
    coalesce(array_position(array['critical', 'important', 'moderate', 'low'], p.severity), 5) as k
  from merged m left join patches p on p.id = m.patch_id
), g as (
  select host, k, security, count(*)::int as n, min(first_seen) as fs, min(least(first_seen, released)) as rel,
    (count(*) filter (where state <> 'pending-reboot'))::int as pending
  from j where state in ('missing', 'failed', 'pending-reboot') group by host, k, security
), summary as (
  insert into host_open_findings (host, open, open_security, first_seen, first_seen_security, released_security, pending)
  select host,
    array[coalesce(sum(n) filter (where k = 1), 0), coalesce(sum(n) filter (where k = 2), 0), coalesce(sum(n) filter (where k = 3), 0),
      coalesce(sum(n) filter (where k = 4), 0), coalesce(sum(n) filter (where k = 5), 0)]::int[],
    array[coalesce(sum(n) filter (where k = 1 and security), 0), coalesce(sum(n) filter (where k = 2 and security), 0), coalesce(sum(n) filter (where k = 3 and security), 0),
      coalesce(sum(n) filter (where k = 4 and security), 0), coalesce(sum(n) filter (where k = 5 and security), 0)]::int[],
    array[min(fs) filter (where k = 1), min(fs) filter (where k = 2), min(fs) filter (where k = 3), min(fs) filter (where k = 4), min(fs) filter (where k = 5)],
    array[min(fs) filter (where k = 1 and security), min(fs) filter (where k = 2 and security), min(fs) filter (where k = 3 and security),
        min(fs) filter (where k = 4 and security), min(fs) filter (where k = 5 and security)],
    array[min(rel) filter (where k = 1 and security), min(rel) filter (where k = 2 and security), min(rel) filter (where k = 3 and security),
        min(rel) filter (where k = 4 and security), min(rel) filter (where k = 5 and security)],
    array[coalesce(sum(pending) filter (where k = 1), 0), coalesce(sum(pending) filter (where k = 2), 0), coalesce(sum(pending) filter (where k = 3), 0),
      coalesce(sum(pending) filter (where k = 4), 0), coalesce(sum(pending) filter (where k = 5), 0)]::int[]
  from g group by host
  on conflict (host) do update set open = excluded.open, open_security = excluded.open_security, first_seen = excluded.first_seen,
    first_seen_security = excluded.first_seen_security, released_security = excluded.released_security, pending = excluded.pending
), delta as (
  select patch_id, sum(n)::int as n from (
    select patch_id, 1 as n from merged where state in ('missing', 'failed')
    union all select patch_id, -1 from merged where was in ('missing', 'failed')) c
  group by patch_id having sum(n) <> 0
), kept as (
  update patch_needing t set hosts = t.hosts + delta.n from delta where t.patch_id = delta.patch_id returning t.patch_id
), added as (
  insert into patch_needing (patch_id, hosts) select delta.patch_id, delta.n from delta where not exists (select 1 from kept where kept.patch_id = delta.patch_id)
  on conflict (patch_id) do update set hosts = patch_needing.hosts + excluded.hosts
), sdelta as (
  select patch_id, state, sum(n)::int as n from (
    select patch_id, state, 1 as n from merged
    union all select patch_id, was, -1 from merged where was is not null) c
  group by patch_id, state having sum(n) <> 0
), scounted as (
  insert into patch_state_counts (patch_id, state, hosts) select patch_id, state, n from sdelta
  on conflict (patch_id, state) do update set hosts = patch_state_counts.hosts + excluded.hosts
), stored as (
  insert into host_scans (scan_id, host, outcome, error, started_at, finished_at, reboot_required, os_name, installed, missing_count, warnings)
  select scan_id, host, outcome, error, started_at, finished_at, reboot_required, os_name,
    array(select jsonb_array_elements_text(installed)), missing_count, array(select jsonb_array_elements_text(warnings))
  from h
  on conflict (scan_id, host) do update set outcome = excluded.outcome
  returning scan_id, (xmax = 0) as first
), counted as (
  update scans s set reported = s.reported + n.first
  from (select scan_id, count(*) filter (where first) as first from stored group by scan_id) n
  where s.id = n.scan_id and n.first > 0
), latest as (
  insert into host_latest_scans (host, scan_id, outcome, error, started_at, finished_at, reboot_required, os_name, installed, missing_count, warnings)
  select host, scan_id, outcome, error, started_at, finished_at, reboot_required, os_name,
    array(select jsonb_array_elements_text(installed)), missing_count, array(select jsonb_array_elements_text(warnings))
  from h
  on conflict (host) do update set scan_id = excluded.scan_id where excluded.finished_at >= host_latest_scans.finished_at
)
select require_known_patches(array(select patch_id from j where not known))`;
