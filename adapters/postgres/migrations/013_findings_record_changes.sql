-- A rescan rewrote every finding it saw (last_seen, scan_id): at 100,000 hosts × 50 findings a
-- daily scan wrote 5 million new row versions, each with its index entries, to say "still
-- missing" (issue #20, ingest). Findings now record changes: a row is written when a finding
-- first appears, changes state, or is no longer seen (installed). That a host's open findings
-- were still there is one fact per host, the scan that last reported the host's findings, kept
-- in host_findings_seen by the same statement. An open finding was last seen by that scan (the
-- reads compute it); a closed one when it closed (changed_at).
alter table findings rename column last_seen to changed_at;
alter table findings rename column scan_id to changed_in;
alter index findings_installed_last_seen rename to findings_installed_changed_at;

create table host_findings_seen (
  host    text primary key,
  seen_at timestamptz not null,
  scan_id text not null
);
-- One pass over every finding: lift the store's statement timeout for it (as migration 011 does).
set local statement_timeout = 0;
-- Until now every scan that reported a host's findings rewrote its open ones and closed the rest:
-- the newest change on a host is that scan.
insert into host_findings_seen (host, seen_at, scan_id)
select distinct on (host) host, changed_at, changed_in from findings order by host, changed_at desc;

-- Read by nothing since migration 009 (each host's latest scan is host_latest_scans), written by
-- every host result.
drop index host_scans_latest;

-- The per-host facts of migration 011, computed in two steps: a statement's findings are first
-- grouped by host and severity (five counters over each finding), then each host's few groups are
-- laid out as arrays. The one-step view evaluated 25 filtered aggregates on every finding: the
-- trigger behind each scan batch spent ~8 of its ~12 ms there (64 hosts, 3,200 findings). Same
-- columns, same values (test/compliance compares every host row with the JavaScript oracle).
create or replace view host_open_findings_now as
select x.host,
  array[coalesce(max(n) filter (where k = 1), 0), coalesce(max(n) filter (where k = 2), 0), coalesce(max(n) filter (where k = 3), 0), coalesce(max(n) filter (where k = 4), 0), coalesce(max(n) filter (where k = 5), 0)]::integer[] as open,
  array[coalesce(max(n_security) filter (where k = 1), 0), coalesce(max(n_security) filter (where k = 2), 0), coalesce(max(n_security) filter (where k = 3), 0), coalesce(max(n_security) filter (where k = 4), 0), coalesce(max(n_security) filter (where k = 5), 0)]::integer[] as open_security,
  array[max(fs) filter (where k = 1), max(fs) filter (where k = 2), max(fs) filter (where k = 3), max(fs) filter (where k = 4), max(fs) filter (where k = 5)] as first_seen,
  array[max(fs_security) filter (where k = 1), max(fs_security) filter (where k = 2), max(fs_security) filter (where k = 3), max(fs_security) filter (where k = 4), max(fs_security) filter (where k = 5)] as first_seen_security,
  array[max(rel_security) filter (where k = 1), max(rel_security) filter (where k = 2), max(rel_security) filter (where k = 3), max(rel_security) filter (where k = 4), max(rel_security) filter (where k = 5)] as released_security
from (
  select f.host, coalesce(array_position(array['critical', 'important', 'moderate', 'low'], p.severity), 5) as k,
    count(*)::integer as n, (count(*) filter (where coalesce(p.security, true)))::integer as n_security,
    min(f.first_seen) as fs, min(f.first_seen) filter (where coalesce(p.security, true)) as fs_security,
    min(least(f.first_seen, p.first_seen)) filter (where coalesce(p.security, true)) as rel_security
  from findings f left join patches p on p.id = f.patch_id
  where f.state in ('missing', 'failed', 'pending-reboot')
  group by f.host, 2
) x
group by x.host;
