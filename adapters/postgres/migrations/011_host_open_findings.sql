-- The compliance summary (issue #20) judged every open finding of the estate on each request:
-- ~5 million rows at 100,000 hosts, seconds of aggregation. What the rules need of a host fits
-- in one row: per severity (catalog order critical, important, moderate, low, unknown), how many
-- open findings (missing, failed, pending-reboot) and how many of them security patches, and the
-- earliest clock of each kind (first seen on the host; for security patches also the PCI clock,
-- the earlier of that and the patch's first sighting in the estate). A severity's deadline is its
-- earliest clock plus its SLA, so these minima decide overdue and at risk exactly.
--
-- Kept by statement-level triggers on findings (the hosts a statement touched are recomputed
-- from their findings, through the primary key) and on patches (a severity, security flag or
-- first sighting that changed recomputes the hosts with that patch). The cost lands on writes:
-- one extra read of each written host's findings per statement (bench/RESULTS.md, ingest).
create table host_open_findings (
  host            text primary key,
  open            integer[] not null,
  open_security   integer[] not null,
  first_seen      timestamptz[] not null,
  first_seen_security timestamptz[] not null,
  released_security   timestamptz[] not null
);

-- The facts from the findings themselves, per host: what the table must hold. A filter on host
-- is pushed into the grouping, so refreshing a few hosts reads only theirs (findings_pkey).
create view host_open_findings_now as
select x.host,
  array[count(*) filter (where k = 1), count(*) filter (where k = 2), count(*) filter (where k = 3), count(*) filter (where k = 4), count(*) filter (where k = 5)]::integer[] as open,
  array[count(*) filter (where k = 1 and security), count(*) filter (where k = 2 and security), count(*) filter (where k = 3 and security),
        count(*) filter (where k = 4 and security), count(*) filter (where k = 5 and security)]::integer[] as open_security,
  array[min(fs) filter (where k = 1), min(fs) filter (where k = 2), min(fs) filter (where k = 3), min(fs) filter (where k = 4), min(fs) filter (where k = 5)] as first_seen,
  array[min(fs) filter (where k = 1 and security), min(fs) filter (where k = 2 and security), min(fs) filter (where k = 3 and security),
        min(fs) filter (where k = 4 and security), min(fs) filter (where k = 5 and security)] as first_seen_security,
  array[min(rel) filter (where k = 1 and security), min(rel) filter (where k = 2 and security), min(rel) filter (where k = 3 and security),
        min(rel) filter (where k = 4 and security), min(rel) filter (where k = 5 and security)] as released_security
from (
  select f.host, f.first_seen as fs, least(f.first_seen, p.first_seen) as rel, coalesce(p.security, true) as security,
    coalesce(array_position(array['critical', 'important', 'moderate', 'low'], p.severity), 5) as k
  from findings f left join patches p on p.id = f.patch_id
  where f.state in ('missing', 'failed', 'pending-reboot')
) x
group by x.host;

create function refresh_host_open_findings(hosts text[]) returns void
language sql as $$
  delete from host_open_findings where host = any(hosts);
  insert into host_open_findings select * from host_open_findings_now where host = any(hosts);
$$;

create function findings_touched() returns trigger
language plpgsql as $$
begin
  perform refresh_host_open_findings(array(select distinct host from touched));
  return null;
end
$$;

create trigger findings_inserted after insert on findings referencing new table as touched for each statement execute function findings_touched();
-- A rescan rewrites every finding it saw (last_seen, scan_id); only a changed state or clock
-- changes the facts, so an update refreshes just the hosts where one did. EXCEPT, not a join:
-- transition tables have no statistics, and a join of two of them ran as a nested loop
-- (3,000 rows × 3,000 per statement: rescans at a fifth of their speed, measured).
create function findings_changed() returns trigger
language plpgsql as $$
begin
  perform refresh_host_open_findings(array(
    select distinct host from (
      select host, patch_id, state, first_seen from touched except select host, patch_id, state, first_seen from previous) changed));
  return null;
end
$$;

create trigger findings_updated after update on findings referencing old table as previous new table as touched for each statement execute function findings_changed();
create trigger findings_deleted after delete on findings referencing old table as touched for each statement execute function findings_touched();

create function patches_changed() returns trigger
language plpgsql as $$
begin
  perform refresh_host_open_findings(array(
    select distinct f.host from new_patches n join old_patches o on o.id = n.id join findings f on f.patch_id = n.id
    where (n.severity, n.security, n.first_seen) is distinct from (o.severity, o.security, o.first_seen)));
  return null;
end
$$;

create trigger patches_changed after update on patches referencing new table as new_patches old table as old_patches for each statement execute function patches_changed();

-- The estate's facts as of now, in one pass (5 million findings at 100,000 hosts take longer than
-- the store's 60 s statement timeout on a loaded machine: this migration lifts it for itself).
set local statement_timeout = 0;
insert into host_open_findings select * from host_open_findings_now;
