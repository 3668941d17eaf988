-- The digest of a scan (issue #20) counts, per patch it discovered, the hosts that need it
-- (finding `missing` or `failed`). A first scan of 100,000 hosts discovers the whole catalog, so
-- counting meant grouping ~5 million findings per digest (2.1 s). The count per patch is kept
-- here instead, by statement-level triggers on findings that add what a statement changed: the
-- rows it wrote that need the patch, minus the rows it replaced that did. No join of the two
-- transition tables (they have no statistics; migration 011 says what a join cost), no read of
-- findings: one aggregation of the statement's own rows.
--
-- Every statement of a first scan rewrites ~1,500 of these rows: with room left on each page the
-- new versions stay on it (HOT: no index entry, pruned in place), ~4 ms a statement instead of ~16 on PostgreSQL.
create table patch_needing (
  patch_id text primary key,
  hosts    integer not null
) with (fillfactor = 25);

-- The same per host: how many patches it needs. The digest's distinct hosts and its affected set
-- come from here when the scan discovered (nearly) every patch the estate needs: the hosts that
-- need something, less those whose every needed patch is one the scan did not discover.
create table host_needing (
  host    text primary key,
  patches integer not null
) with (fillfactor = 50);

-- Each trigger adds what its statement changed: per patch, then per host, the needed rows it
-- wrote (+1) less those it replaced (-1); sums of zero (a finding rewritten in the same state)
-- add nothing. Existing rows are updated in one join (cheaper than an upsert's probe per row;
-- PGlite: ~14 ms a 64-host statement against ~33 ms for arrays handed to a shared function).
--
-- Concurrent writers (replicas, two scans at once) add to the same patch rows, and one statement
-- fires two of these triggers (the scan writer's upsert inserts and updates), so two writers
-- could each hold a row the other needs next. One transaction-scoped lock, taken only when the
-- statement wrote or replaced a needed finding, orders them instead: held from the first addition to
-- commit, a short tail of the write (writers of one scan already queue on its `scans` row).
create function needing_inserted() returns trigger
language plpgsql as $$
begin
  if not exists (select 1 from touched where state in ('missing', 'failed')) then return null; end if;
  perform pg_advisory_xact_lock(hashtext('patchbot.needing'));
  with d as (select patch_id, sum(n)::int as n from (select patch_id, host, 1 as n from touched where state in ('missing', 'failed')) c group by patch_id having sum(n) <> 0),
    kept as (update patch_needing t set hosts = t.hosts + d.n from d where t.patch_id = d.patch_id returning t.patch_id)
  insert into patch_needing (patch_id, hosts) select d.patch_id, d.n from d where not exists (select 1 from kept where kept.patch_id = d.patch_id)
  on conflict (patch_id) do update set hosts = patch_needing.hosts + excluded.hosts;
  with d as (select host, sum(n)::int as n from (select patch_id, host, 1 as n from touched where state in ('missing', 'failed')) c group by host having sum(n) <> 0),
    kept as (update host_needing t set patches = t.patches + d.n from d where t.host = d.host returning t.host)
  insert into host_needing (host, patches) select d.host, d.n from d where not exists (select 1 from kept where kept.host = d.host)
  on conflict (host) do update set patches = host_needing.patches + excluded.patches;
  return null;
end
$$;

create function needing_deleted() returns trigger
language plpgsql as $$
begin
  if not exists (select 1 from touched where state in ('missing', 'failed')) then return null; end if;
  perform pg_advisory_xact_lock(hashtext('patchbot.needing'));
  with d as (select patch_id, sum(n)::int as n from (select patch_id, host, -1 as n from touched where state in ('missing', 'failed')) c group by patch_id having sum(n) <> 0),
    kept as (update patch_needing t set hosts = t.hosts + d.n from d where t.patch_id = d.patch_id returning t.patch_id)
  insert into patch_needing (patch_id, hosts) select d.patch_id, d.n from d where not exists (select 1 from kept where kept.patch_id = d.patch_id)
  on conflict (patch_id) do update set hosts = patch_needing.hosts + excluded.hosts;
  with d as (select host, sum(n)::int as n from (select patch_id, host, -1 as n from touched where state in ('missing', 'failed')) c group by host having sum(n) <> 0),
    kept as (update host_needing t set patches = t.patches + d.n from d where t.host = d.host returning t.host)
  insert into host_needing (host, patches) select d.host, d.n from d where not exists (select 1 from kept where kept.host = d.host)
  on conflict (host) do update set patches = host_needing.patches + excluded.patches;
  return null;
end
$$;

create function needing_updated() returns trigger
language plpgsql as $$
begin
  if not exists (select 1 from touched where state in ('missing', 'failed') union all select 1 from previous where state in ('missing', 'failed')) then return null; end if;
  perform pg_advisory_xact_lock(hashtext('patchbot.needing'));
  with d as (select patch_id, sum(n)::int as n from (select patch_id, host, 1 as n from touched where state in ('missing', 'failed') union all select patch_id, host, -1 from previous where state in ('missing', 'failed')) c group by patch_id having sum(n) <> 0),
    kept as (update patch_needing t set hosts = t.hosts + d.n from d where t.patch_id = d.patch_id returning t.patch_id)
  insert into patch_needing (patch_id, hosts) select d.patch_id, d.n from d where not exists (select 1 from kept where kept.patch_id = d.patch_id)
  on conflict (patch_id) do update set hosts = patch_needing.hosts + excluded.hosts;
  with d as (select host, sum(n)::int as n from (select patch_id, host, 1 as n from touched where state in ('missing', 'failed') union all select patch_id, host, -1 from previous where state in ('missing', 'failed')) c group by host having sum(n) <> 0),
    kept as (update host_needing t set patches = t.patches + d.n from d where t.host = d.host returning t.host)
  insert into host_needing (host, patches) select d.host, d.n from d where not exists (select 1 from kept where kept.host = d.host)
  on conflict (host) do update set patches = host_needing.patches + excluded.patches;
  return null;
end
$$;

create trigger needing_inserted after insert on findings referencing new table as touched for each statement execute function needing_inserted();
create trigger needing_updated after update on findings referencing old table as previous new table as touched for each statement execute function needing_updated();
create trigger needing_deleted after delete on findings referencing old table as touched for each statement execute function needing_deleted();

-- The estate's counts as of now (one pass each; the store's statement timeout does not apply here).
set local statement_timeout = 0;
insert into patch_needing (patch_id, hosts)
select patch_id, count(*)::int from findings where state in ('missing', 'failed') group by patch_id;
insert into host_needing (host, patches)
select host, count(*)::int from findings where state in ('missing', 'failed') group by host;
