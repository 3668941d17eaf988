import type { Counted, DiscoveredFacts } from '../../src/discovery/discovery-store.ts';
import type { HostShape } from '../../src/inventory/host-shapes.ts';
import type { SqlClient } from './sql-client.ts';

/** The states patch_needing and host_needing count (migration 014): NEEDS_PATCH. */
const NEEDS = `f.state in ('missing', 'failed')`;

/** The scan's patches with their maintained counts, and the count over every patch: what the rest is chosen by. */
const COUNTS = `
  select (select coalesce(json_agg(json_build_object('id', p.id, 'hosts', n.hosts)), '[]') from patches p join patch_needing n on n.patch_id = p.id
          where p.first_scan_id = $1 and n.hosts > 0) as patches,
    (select coalesce(sum(hosts), 0)::float8 from patch_needing) as total`;

/** The first `sample` hosts by name of each patch, per state from findings_by_patch (patch, state, host): a few index entries each. */
const FIRST = `
  select p.id, array(
    select x.host from unnest(array['missing', 'failed']) as s(state)
      cross join lateral (select f.host from findings f where f.patch_id = p.id and f.state = s.state order by f.host limit $2) x
    order by x.host limit $2) as first
  from unnest($1::text[]) as p(id)`;

/** The hosts that need a patch of the scan, from its patches' findings: what they cost to read is what they count. */
const HIT_FROM_DISCOVERED = `select distinct f.host from patches p join findings f on f.patch_id = p.id and ${NEEDS} where p.first_scan_id = $1`;
/**
 * The same from the other side: every host that needs something, less those that need only
 * patches the scan did not discover (as many of those as it needs in all). Cheaper when the scan
 * discovered most of what is needed: a first scan reads one row per host and no finding.
 */
const HIT_FROM_REST = `select n.host from host_needing n
  left join (select f.host, count(*) as n from patches p join patch_needing c on c.patch_id = p.id and c.hosts > 0
             join findings f on f.patch_id = p.id and ${NEEDS} where p.first_scan_id is distinct from $1 group by f.host) rest on rest.host = n.host
  where n.patches > coalesce(rest.n, 0)`;

/** How many hosts are in `hit`, and with $2 (the static members) the inventory by shape (HostShape), each with how many of its hosts are. */
const COUNT_HIT = `select (select count(*)::int from hit) as hosts, null as shapes`;
const SHAPES = `
  select (select count(*)::int from hit) as hosts,
    (select coalesce(json_agg(json_build_object('name', s.name, 'os', s.os, 'groups', s.groups, 'tags', s.tags, 'hosts', s.hosts, 'affected', s.affected)), '[]') from (
       select h.groups, h.os, h.tags, named.name, count(*)::int as hosts, count(hit.host)::int as affected
       from hosts h left join (select distinct unnest($2::text[]) as name) named on named.name = h.name left join hit on hit.host = h.name
       group by h.groups, h.os, h.tags, named.name) s) as shapes`;

/**
 * The digest's facts about the patches scan `scanId` discovered, from the counts migration 014
 * keeps: per patch and in all, never a recount of their findings. The affected set (for the
 * distinct count and the cover) is read from whichever side has fewer needed findings.
 */
export const discovered = async (sql: SqlClient, scanId: string, sample: number, inventory: { named: readonly string[] } | null): Promise<DiscoveredFacts> => {
  const [counts] = await sql.query<{ patches: { id: string; hosts: number }[]; total: number }>(COUNTS, [scanId]);
  const patches = counts?.patches ?? [];
  // Nothing needed: no host is affected, and the cover of nobody is no group.
  if (patches.length === 0) return { byPatch: new Map(), hosts: 0, shapes: inventory ? [] : null };
  const mine = patches.reduce((sum, p) => sum + p.hosts, 0);
  const hit = mine <= (counts?.total ?? 0) - mine ? HIT_FROM_DISCOVERED : HIT_FROM_REST;
  const [first, [facts]] = await Promise.all([
    sql.query<{ id: string; first: string[] }>(FIRST, [patches.map((p) => p.id), sample]),
    sql.query<{ hosts: number; shapes: HostShape[] | null }>(`with hit as materialized (${hit}) ${inventory ? SHAPES : COUNT_HIT}`, inventory ? [scanId, inventory.named] : [scanId]),
  ]);
  const names = new Map(first.map((row) => [row.id, row.first]));
  const byPatch = new Map<string, Counted<string>>(patches.map((p) => [p.id, { count: p.hosts, first: names.get(p.id) ?? [] }]));
  return { byPatch, hosts: facts?.hosts ?? 0, shapes: inventory ? (facts?.shapes ?? []) : null };
};
