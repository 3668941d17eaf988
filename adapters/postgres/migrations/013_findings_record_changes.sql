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
