-- `pending <group>` counted, per severity, the distinct hosts with a missing or failed finding:
-- at 10,000 hosts a group of 2,000 sorted its ~100,000 findings for that (0.4 s on PGlite, issue
-- #20). The per-host facts of migration 011 now also hold how many missing or failed findings a
-- host has per severity (same order: critical, important, moderate, low, unknown), so the
-- answer counts hosts, not findings. Kept by the same triggers, in the same pass over a host's
-- findings: the view gains a column, and refresh_host_open_findings copies it (select *).
alter table host_open_findings add column pending integer[];

create or replace view host_open_findings_now as
select x.host,
  array[count(*) filter (where k = 1), count(*) filter (where k = 2), count(*) filter (where k = 3), count(*) filter (where k = 4), count(*) filter (where k = 5)]::integer[] as open,
  array[count(*) filter (where k = 1 and security), count(*) filter (where k = 2 and security), count(*) filter (where k = 3 and security),
        count(*) filter (where k = 4 and security), count(*) filter (where k = 5 and security)]::integer[] as open_security,
  array[min(fs) filter (where k = 1), min(fs) filter (where k = 2), min(fs) filter (where k = 3), min(fs) filter (where k = 4), min(fs) filter (where k = 5)] as first_seen,
  array[min(fs) filter (where k = 1 and security), min(fs) filter (where k = 2 and security), min(fs) filter (where k = 3 and security),
        min(fs) filter (where k = 4 and security), min(fs) filter (where k = 5 and security)] as first_seen_security,
  array[min(rel) filter (where k = 1 and security), min(rel) filter (where k = 2 and security), min(rel) filter (where k = 3 and security),
        min(rel) filter (where k = 4 and security), min(rel) filter (where k = 5 and security)] as released_security,
  array[count(*) filter (where k = 1 and pending), count(*) filter (where k = 2 and pending), count(*) filter (where k = 3 and pending),
        count(*) filter (where k = 4 and pending), count(*) filter (where k = 5 and pending)]::integer[] as pending
from (
  select f.host, f.first_seen as fs, least(f.first_seen, p.first_seen) as rel, coalesce(p.security, true) as security,
    coalesce(array_position(array['critical', 'important', 'moderate', 'low'], p.severity), 5) as k,
    f.state in ('missing', 'failed') as pending
  from findings f left join patches p on p.id = f.patch_id
  where f.state in ('missing', 'failed', 'pending-reboot')
) x
group by x.host;

-- One pass over every open finding (as migration 011): the store's statement timeout is lifted for it.
set local statement_timeout = 0;
update host_open_findings o set pending = n.pending from host_open_findings_now n where n.host = o.host;
alter table host_open_findings alter column pending set not null;
