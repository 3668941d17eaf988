-- Every answer reports how fresh its data is, from each host's latest scan. Finding that with
-- `distinct on (host) … order by host, finished_at desc` over host_scans read the whole history
-- (~1.1 s at 100,000 hosts, issue #20). The scan writer now keeps each host's latest scan here
-- in the statement that records it, so freshness reads one row per host in scope.
create table host_latest_scans (
  host            text primary key,
  scan_id         text not null,
  outcome         text not null,
  error           text,
  started_at      timestamptz not null,
  finished_at     timestamptz not null,
  reboot_required boolean,
  os_name         text,
  installed       text[] not null default '{}',
  missing_count   integer,
  warnings        text[] not null default '{}'
);
insert into host_latest_scans (host, scan_id, outcome, error, started_at, finished_at, reboot_required, os_name, installed, missing_count, warnings)
select distinct on (host) host, scan_id, outcome, error, started_at, finished_at, reboot_required, os_name, installed, missing_count, warnings
from host_scans order by host, finished_at desc;

-- Answers narrow to a group by the hosts' own group lists (the common route into a group).
create index hosts_groups on hosts using gin (groups);
-- `missing <patch>` counts a patch's hosts per state and names the first few by host: with the
-- host in the index both are read from it, in order, without sorting every host of the patch.
drop index findings_by_patch;
create index findings_by_patch on findings (patch_id, state, host);
-- Retention (housekeeping) deletes scan history and installed findings by age.
create index host_scans_finished_at on host_scans (finished_at);
create index findings_installed_last_seen on findings (last_seen) where state = 'installed';
