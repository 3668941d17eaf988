import { NEEDS_PATCH } from '../../discovery/patch.ts';
import { coverClasses, coverGroups } from '../../inventory/cover-groups.ts';
import { classesOf, staticMembers } from '../../inventory/host-shapes.ts';
import type { Group } from '../../inventory/host.ts';
import type { EstateStore } from '../answers/estate.ts';

export const SCAN = 'scan:';

/** What a digest's *Propose rollout* proposes: the patches still needed, the groups covering their hosts, the affected hosts no chosen group contains. */
export interface DigestProposal {
  patches: string[];
  groups: Group[];
  uncovered: string[];
}

/**
 * The exact path, host by host: the hosts that need each patch, in one read for all of them (it
 * was every finding of each patch, 16 patches at a time), the cover over the inventory in memory.
 * For a digest of patch ids (its scan id did not fit the button), and to name the affected hosts
 * no group contains.
 */
const hostByHost = async (store: EstateStore, ids: readonly string[]): Promise<DigestProposal> => {
  const needing = await store.findings.hostsByPatch([...ids], NEEDS_PATCH);
  const patches = [...new Set(ids)].filter((id) => needing.has(id));
  const cover = coverGroups(await store.groups.list(), await store.hosts.list(), new Set([...needing.values()].flat()));
  return { patches, ...cover };
};

/**
 * The proposal for the patches a digest button names (`scan:<id>` or ids). For a scan, from the
 * counts the store keeps (FindingRepository.discovered): the cover over the inventory's shapes
 * is the one host by host gives (coverClasses), so a click on a digest of 100,000 hosts reads a
 * few thousand rows, not every finding. Only when some affected host is in no chosen group (in
 * no group at all, or gone from the inventory) are they named, host by host.
 */
export const digestProposal = async (store: EstateStore, value: string): Promise<DigestProposal> => {
  if (!value.startsWith(SCAN)) return hostByHost(store, value.split(/\s+/).filter(Boolean));
  const scanId = value.slice(SCAN.length);
  const groups = await store.groups.list();
  const facts = await store.findings.discovered(scanId, 0, { named: staticMembers(groups) });
  const patches = [...facts.byPatch.keys()].sort();
  const classes = classesOf(groups, facts.shapes ?? []);
  const chosen = coverClasses(groups, classes);
  const names = new Set(chosen.map((g) => g.name));
  const covered = classes.filter((c) => c.groups.some((g) => names.has(g))).reduce((sum, c) => sum + c.affected, 0);
  if (covered < facts.hosts) return hostByHost(store, patches);
  return { patches, groups: chosen, uncovered: [] };
};
