import type { NeedingFacts } from '../../src/discovery/discovery-store.ts';
import type { FindingState } from '../../src/discovery/patch.ts';
import type { SqlClient } from './sql-client.ts';

/**
 * What a scan's digest shows, counted in SQL: one pass over the patches' findings groups them by
 * patch and by host at once (grouping sets), so the hosts per patch and the distinct hosts come
 * from the same read; the first names of each patch are read per state from findings_by_patch
 * (patch, state, host), a few index entries each. A first scan of 100,000 hosts discovers every
 * patch in the catalog: reading each patch's host list into the process was the digest's cost.
 */
export const needing = async (sql: SqlClient, patchIds: readonly string[], states: readonly FindingState[], sample: number): Promise<NeedingFacts> => {
  if (patchIds.length === 0) return { byPatch: new Map(), hosts: 0 };
  const [row] = await sql.query<{ hosts: number; patches: { id: string; count: number; first: string[] }[] }>(
    `with g as materialized (
       select patch_id, host, count(*)::int as n from findings where patch_id = any($1::text[]) and state = any($2::text[])
       group by grouping sets ((patch_id), (host))
     )
     select (select count(*)::int from g where host is not null) as hosts,
       (select coalesce(json_agg(json_build_object('id', g.patch_id, 'count', g.n, 'first', array(
          select x.host from unnest($2::text[]) as s(state)
            cross join lateral (select f.host from findings f where f.patch_id = g.patch_id and f.state = s.state order by f.host limit $3) x
          order by x.host limit $3))), '[]')
        from g where g.patch_id is not null) as patches`,
    [patchIds, states, sample],
  );
  return { byPatch: new Map((row?.patches ?? []).map((p) => [p.id, { count: p.count, first: p.first }])), hosts: row?.hosts ?? 0 };
};
