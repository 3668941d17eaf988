-- `pending <group>` counted, per severity, the distinct hosts with a missing or failed finding:
-- at 10,000 hosts a group of 2,000 sorted its ~100,000 findings for that (0.4 s on PGlite, issue
-- #20). The per-host facts of migration 011 now also hold how many missing or failed findings a
-- host has per severity (same order: critical, important, moderate, low, unknown), so the
-- answer counts hosts, not findings. Kept by the same triggers in the same pass over a host's
-- findings: the view (migration 013's two-step form) gains a last column, and
-- refresh_host_open_findings copies it (`select *`). One more counter per host and severity:
-- ~0.4 ms on ~3 ms of the view for a batch of 64 hosts (PGlite, 10,000 hosts).
alter table host_open_findings add column pending integer[];

create or replace view host_open_findings_now as
select x.host,
  array[coalesce(max(n) filter (where k = 1), 0), coalesce(max(n) filter (where k = 2), 0), coalesce(max(n) filter (where k = 3), 0), coalesce(max(n) filter (where k = 4), 0), coalesce(max(n) filter (where k = 5), 0)]::integer[] as open,
  array[coalesce(max(n_security) filter (where k = 1), 0), coalesce(max(n_security) filter (where k = 2), 0), coalesce(max(n_security) filter (where k = 3), 0), coalesce(max(n_security) filter (where k = 4), 0), coalesce(max(n_security) filter (where k = 5), 0)]::integer[] as open_security,
  array[max(fs) filter (where k = 1), max(fs) filter (where k = 2), max(fs) filter (where k = 3), max(fs) filter (where k = 4), max(fs) filter (where k = 5)] as first_seen,
  array[max(fs_security) filter (where k = 1), max(fs_security) filter (where k = 2), max(fs_security) filter (where k = 3), max(fs_security) filter (where k = 4), max(fs_security) filter (where k = 5)] as first_seen_security,
  array[max(rel_security) filter (where k = 1), max(rel_security) filter (where k = 2), max(rel_security) filter (where k = 3), max(rel_security) filter (where k = 4), max(rel_security) filter (where k = 5)] as released_security,
  array[coalesce(max(n_pending) filter (where k = 1), 0), coalesce(max(n_pending) filter (where k = 2), 0), coalesce(max(n_pending) filter (where k = 3), 0), coalesce(max(n_pending) filter (where k = 4), 0), coalesce(max(n_pending) filter (where k = 5), 0)]::integer[] as pending
from (
  select f.host, coalesce(array_position(array['critical', 'important', 'moderate', 'low'], p.severity), 5) as k,
    count(*)::integer as n, (count(*) filter (where coalesce(p.security, true)))::integer as n_security,
    min(f.first_seen) as fs, min(f.first_seen) filter (where coalesce(p.security, true)) as fs_security,
    min(least(f.first_seen, p.first_seen)) filter (where coalesce(p.security, true)) as rel_security,
    (count(*) filter (where f.state in ('missing', 'failed')))::integer as n_pending
  from findings f left join patches p on p.id = f.patch_id
  where f.state in ('missing', 'failed', 'pending-reboot')
  group by f.host, 2
) x
group by x.host;

-- One pass over every open finding (as migration 011): the store's statement timeout is lifted for it.
set local statement_timeout = 0;
update host_open_findings o set pending = n.pending from host_open_findings_now n where n.host = o.host;
alter table host_open_findings alter column pending set not null;
