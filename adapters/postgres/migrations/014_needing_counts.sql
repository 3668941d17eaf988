-- The digest of a scan (issue #20) counts, per patch it discovered, the hosts that need it
-- (finding `missing` or `failed`). A first scan of 100,000 hosts discovers the whole catalog, so
-- counting meant grouping ~5 million findings per digest (2.1 s). The count per patch is kept
-- here instead, by statement-level triggers on findings that add what a statement changed: the
-- rows it wrote that need the patch, minus the rows it replaced that did. No join of the two
-- transition tables (they have no statistics; migration 011 says what a join cost), no read of
-- findings: one aggregation of the statement's own rows.
-- Every statement of a first scan rewrites ~1,500 of these rows: with room left on each page the
-- new versions stay on it (HOT: no index entry, pruned in place), ~4 ms a statement instead of ~16.
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

-- Concurrent writers (replicas, two scans at once) add to the same patch rows, and one statement
-- fires two triggers (insert and update: the scan writer's upsert), so two writers could each
-- hold a row the other needs next. One transaction-scoped lock, taken only when there is
-- something to add, orders them instead: held from the first addition to commit, a short tail of
-- the write. Existing rows are updated in one join (cheaper than an upsert's probe per row).
create function needing_add(patch_ids text[], patch_deltas integer[], hosts text[], host_deltas integer[]) returns void
language plpgsql as $$
begin
  if patch_ids is null and hosts is null then return; end if;
  perform pg_advisory_xact_lock(hashtext('patchbot.needing'));
  with d as (select * from unnest(patch_ids, patch_deltas) as d(id, delta)),
    kept as (update patch_needing n set hosts = n.hosts + d.delta from d where n.patch_id = d.id returning n.patch_id)
  insert into patch_needing (patch_id, hosts)
  select d.id, d.delta from d where not exists (select 1 from kept where kept.patch_id = d.id)
  on conflict (patch_id) do update set hosts = patch_needing.hosts + excluded.hosts;
  with d as (select * from unnest(hosts, host_deltas) as d(host, delta)),
    kept as (update host_needing n set patches = n.patches + d.delta from d where n.host = d.host returning n.host)
  insert into host_needing (host, patches)
  select d.host, d.delta from d where not exists (select 1 from kept where kept.host = d.host)
  on conflict (host) do update set patches = host_needing.patches + excluded.patches;
end
$$;

-- What a statement changed, per patch and per host in one pass over its rows, handed to
-- needing_add. Sums of zero (a rescan that rewrote a finding without changing its state) add nothing.
create function needing_inserted() returns trigger
language plpgsql as $$
declare p text[]; pd integer[]; h text[]; hd integer[];
begin
  select array_agg(patch_id) filter (where per_patch), array_agg(n) filter (where per_patch),
         array_agg(host) filter (where not per_patch), array_agg(n) filter (where not per_patch)
    into p, pd, h, hd
  from (select patch_id, host, grouping(host) = 1 as per_patch, sum(n)::int as n from (select patch_id, host, 1 as n from touched where state in ('missing', 'failed')) c group by grouping sets ((patch_id), (host)) having sum(n) <> 0) d;
  perform needing_add(p, pd, h, hd);
  return null;
end
$$;
create function needing_deleted() returns trigger
language plpgsql as $$
declare p text[]; pd integer[]; h text[]; hd integer[];
begin
  select array_agg(patch_id) filter (where per_patch), array_agg(n) filter (where per_patch),
         array_agg(host) filter (where not per_patch), array_agg(n) filter (where not per_patch)
    into p, pd, h, hd
  from (select patch_id, host, grouping(host) = 1 as per_patch, sum(n)::int as n from (select patch_id, host, -1 as n from touched where state in ('missing', 'failed')) c group by grouping sets ((patch_id), (host)) having sum(n) <> 0) d;
  perform needing_add(p, pd, h, hd);
  return null;
end
$$;
create function needing_updated() returns trigger
language plpgsql as $$
declare p text[]; pd integer[]; h text[]; hd integer[];
begin
  select array_agg(patch_id) filter (where per_patch), array_agg(n) filter (where per_patch),
         array_agg(host) filter (where not per_patch), array_agg(n) filter (where not per_patch)
    into p, pd, h, hd
  from (select patch_id, host, grouping(host) = 1 as per_patch, sum(n)::int as n from (select patch_id, host, 1 as n from touched where state in ('missing', 'failed') union all select patch_id, host, -1 from previous where state in ('missing', 'failed')) c group by grouping sets ((patch_id), (host)) having sum(n) <> 0) d;
  perform needing_add(p, pd, h, hd);
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
