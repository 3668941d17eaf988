/**
 * The digest as it was computed before migration 014 (issue #20), kept as a test oracle: every
 * open finding of the scan's patches grouped by patch and by host, every affected host read by
 * name, and the greedy cover run host by host over the whole inventory. Tests compare the card
 * the service builds now with this one; it is slow on purpose and never used outside tests.
 */
import type { SqlClient } from '../../adapters/postgres/sql-client.ts';
import { type DigestPlanning, digestWindows } from '../../src/chat/announce/digest-windows.ts';
import { DIGEST_HOSTS_SHOWN, type DigestHosts, digestCard } from '../../src/chat/announce/digest-card.ts';
import { scanFreshness } from '../../src/chat/announce/build-digest.ts';
import type { EstateStore } from '../../src/chat/answers/estate.ts';
import type { Card } from '../../src/chat/card.ts';
import { NEEDS_PATCH } from '../../src/discovery/patch.ts';
import type { Group, Host } from '../../src/inventory/host.ts';
import { membersOf } from '../../src/inventory/resolve.ts';

/** The store's former `needing`, verbatim. */
export const oldNeeding = async (sql: SqlClient, patchIds: readonly string[], sample: number): Promise<DigestHosts> => {
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
    [patchIds, NEEDS_PATCH, sample],
  );
  return { byPatch: new Map((row?.patches ?? []).map((p) => [p.id, { count: p.count, first: p.first }])), hosts: row?.hosts ?? 0 };
};

/** The former coverGroups, verbatim: host by host over membersOf. */
export const oldCoverGroups = (groups: readonly Group[], hosts: readonly Host[], affected: ReadonlySet<string>): { groups: Group[]; uncovered: string[] } => {
  const members = new Map(groups.map((g) => [g.name, membersOf(g, hosts).map((h) => h.name)]));
  const left = new Set(affected);
  const chosen: Group[] = [];
  for (;;) {
    let best: { group: Group; gain: number; precision: number } | null = null;
    for (const group of groups) {
      if (chosen.includes(group)) continue;
      const names = members.get(group.name) ?? [];
      const gain = names.filter((n) => left.has(n)).length;
      if (gain === 0) continue;
      const precision = gain / names.length;
      if (!best || precision > best.precision || (precision === best.precision && gain > best.gain)) best = { group, gain, precision };
    }
    if (!best) break;
    chosen.push(best.group);
    for (const name of members.get(best.group.name) ?? []) left.delete(name);
  }
  const ordered = [...chosen.filter((g) => !g.production), ...chosen.filter((g) => g.production)];
  return { groups: ordered, uncovered: [...left].sort() };
};

/** The former buildDigest, with planning or without. */
export const oldDigest = async (sql: SqlClient, store: EstateStore, scanId: string, planning?: DigestPlanning): Promise<Card | null> => {
  const patches = await store.patches.firstSeenIn(scanId);
  if (patches.length === 0) return null;
  const ids = patches.map((p) => p.id);
  const affected = await oldNeeding(sql, ids, DIGEST_HOSTS_SHOWN);
  let windows: ReturnType<typeof digestWindows> | undefined;
  if (planning) {
    const hosts = new Set([...(await store.findings.hostsByPatch(ids, NEEDS_PATCH)).values()].flat());
    windows = digestWindows(planning, oldCoverGroups(await store.groups.list(), await store.hosts.list(), hosts).groups);
  }
  return digestCard(patches, affected, { scanId, freshness: await scanFreshness(store, scanId), ...(windows ? { windows } : {}) });
};

/** The former *Propose rollout* click: the patches of the scan some host still needs, the cover of those hosts over the inventory in memory. */
export const oldProposal = async (store: EstateStore, scanId: string): Promise<{ patches: string[]; groups: string[]; uncovered: string[] }> => {
  const ids = (await store.patches.firstSeenIn(scanId)).map((p) => p.id);
  const needed = await store.findings.hostsByPatch(ids, NEEDS_PATCH);
  const cover = oldCoverGroups(await store.groups.list(), await store.hosts.list(), new Set([...needed.values()].flat()));
  return { patches: ids.filter((id) => needed.has(id)), groups: cover.groups.map((g) => g.name), uncovered: cover.uncovered };
};
