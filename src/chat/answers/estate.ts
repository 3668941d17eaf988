import type { HostScan } from '../../discovery/patch.ts';
import type { DiscoveryRepos } from '../../discovery/discovery-store.ts';
import type { Group, Host } from '../../inventory/host.ts';
import type { InventoryRepos } from '../../inventory/inventory-store.ts';
import { resolveTarget } from '../../inventory/resolve.ts';
import type { Card } from '../card.ts';
import { type Freshness, formatFreshness, freshnessOf } from './freshness.ts';

/** What the answers read: the inventory, and what the scans found. */
export type EstateStore = InventoryRepos & DiscoveryRepos;

/** What every read-only answer returns: the card for chat, and the same facts for `--json`. */
export interface Answer {
  card: Card;
  data: Record<string, unknown>;
}

/**
 * The inventory as the store holds it (synced from config at start), and the latest scan per
 * host. Answers never read config: a CLI and every replica see the same estate.
 */
export interface Estate {
  hosts: Host[];
  groups: Group[];
  latest: HostScan[];
}

export const loadEstate = async (store: EstateStore): Promise<Estate> => {
  const [hosts, groups, latest] = await Promise.all([store.hosts.list(), store.groups.list(), store.scans.latestPerHost()]);
  return { hosts, groups, latest };
};

export interface Scope {
  kind: 'all' | 'group' | 'host';
  /** "all hosts", "prod-web", "web-01": used in titles. */
  name: string;
  hosts: Host[];
}

/** A group or host name as typed, or the whole estate; unknown names throw with the closest ones. */
export const scopeOf = (estate: Estate, target: string | null): Scope =>
  target === null ? { kind: 'all', name: 'all hosts', hosts: estate.hosts } : resolveTarget(estate, target);

/** " in prod-web", "" for the whole estate. */
export const inScope = (scope: Scope): string => (scope.kind === 'all' ? '' : ` in ${scope.name}`);

/** How many unreachable hosts get a "last seen" lookup: the line names only a couple. */
const LAST_SEEN_LOOKUPS = 5;

/**
 * The freshness footer for an answer over `hosts`. An unreachable host's "last seen" is the last
 * time a scan reported patch data for it (its newest finding), looked up only for those named.
 */
export const freshnessLine = async (store: EstateStore, estate: Estate, hosts: readonly Host[], now: Date): Promise<{ line: string; freshness: Freshness }> => {
  const names = hosts.map((h) => h.name);
  const first = freshnessOf(names, estate.latest);
  const lastSeen = new Map<string, Date>();
  for (const { host } of first.unreachable.slice(0, LAST_SEEN_LOOKUPS)) {
    const times = (await store.findings.byHost(host)).map((f) => f.lastSeen.getTime());
    if (times.length) lastSeen.set(host, new Date(Math.max(...times)));
  }
  const freshness = lastSeen.size ? freshnessOf(names, estate.latest, lastSeen) : first;
  return { line: formatFreshness(freshness, now), freshness };
};

export const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** How to ask for the full list: the CLI's JSON form of the same question. */
export const fullListHint = (question: string): string => `\`patchbot ask "${question}" --json\` for all`;
