import type { DiscoveryRepos, HostScope } from '../../discovery/discovery-store.ts';
import type { InventoryRepos } from '../../inventory/inventory-store.ts';
import { closestMatches } from '../../shared/closest-matches.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { CARD_LIMITS, type Card, clip } from '../card.ts';
import { type Freshness, formatFreshness } from './freshness.ts';

/** What the answers read: the inventory, and what the scans found. */
export type EstateStore = InventoryRepos & DiscoveryRepos;

/** What every read-only answer returns: the card for chat, and the same facts for `--json`. */
export interface Answer {
  card: Card;
  data: Record<string, unknown>;
}

export interface Scope {
  kind: 'all' | 'group' | 'host';
  /** "all hosts", "prod-web", "web-01": used in titles. */
  name: string;
  /** The hosts' names, or null for the whole inventory: the store counts and pages over it. */
  hosts: HostScope;
}

/**
 * A group or host name as typed, or the whole estate. Groups win over hosts of the same name (as
 * resolveTarget); membership is evaluated in the store. Unknown names throw with the closest
 * ones: the only path that reads every name.
 */
export const scopeOf = async (store: EstateStore, target: string | null): Promise<Scope> => {
  if (target === null) return { kind: 'all', name: 'all hosts', hosts: null };
  const members = await store.groups.memberNames(target);
  if (members) return { kind: 'group', name: target, hosts: members };
  const host = await store.hosts.get(target);
  if (host) return { kind: 'host', name: target, hosts: [host.name] };
  const [groups, hosts] = await Promise.all([store.groups.list(), store.hosts.list()]);
  const names = [...groups.map((g) => g.name), ...hosts.map((h) => h.name)];
  // `LOCALHOST` is localhost when no other name differs from it only in case.
  const same = sameNameIgnoringCase(target, names);
  if (same !== null) return scopeOf(store, same);
  throw new NotFoundError('group or host', target, closestMatches(target, names), { label: 'groups and hosts', names });
};

/** The one name equal to `typed` ignoring case, or null when none or several are. */
export const sameNameIgnoringCase = (typed: string, names: readonly string[]): string | null => {
  const lower = typed.toLowerCase();
  const same = [...new Set(names.filter((n) => n.toLowerCase() === lower))];
  return same.length === 1 && same[0] !== typed ? same[0]! : null;
};

/** " in prod-web", "" for the whole estate. */
export const inScope = (scope: Scope): string => (scope.kind === 'all' ? '' : ` in ${scope.name}`);

/** How many unreachable (and never-scanned) hosts the freshness summary names: the line shows a couple. */
export const FRESHNESS_SAMPLE = 5;

/**
 * The freshness footer for an answer over a scope, from each host's maintained latest scan. An
 * unreachable host's "last seen" is its newest finding, looked up only for those named.
 */
export const freshnessLine = async (store: EstateStore, scope: Scope, now: Date): Promise<{ line: string; freshness: Freshness }> => {
  const freshness = await store.scans.freshness(scope.hosts, FRESHNESS_SAMPLE);
  return { line: formatFreshness(freshness, now, scope.kind === 'all' ? null : scope.name), freshness };
};

/**
 * The title for a scope with no hosts at all (an empty group, an empty inventory), or null: "no
 * host needs a reboot in prod-db" would read as an all-clear for a group nothing is in.
 */
export const emptyScopeTitle = (scope: Scope, freshness: Freshness): string | null =>
  freshness.hosts > 0 ? null : scope.kind === 'all' ? 'The inventory has no hosts' : `${scope.name} has no hosts`;

export const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/**
 * Hosts in scope whose latest scan could not say anything (unreachable, failed) or that were
 * never scanned, for an answer's headline: "nothing found" must never read as "nothing there"
 * while some hosts were not looked at. Names at most `shown` of them. Empty string when every
 * host was checked.
 */
export const notCheckedText = (freshness: Freshness, extra: { count: number; first: readonly string[] } = { count: 0, first: [] }, shown = 2): string => {
  const count = freshness.unreachable.count + freshness.neverScanned.count + extra.count;
  if (count === 0) return '';
  const names = [...extra.first, ...freshness.unreachable.first.map((u) => u.host), ...freshness.neverScanned.first].slice(0, shown);
  const more = count > names.length ? `, +${(count - names.length).toLocaleString('en-US')} more` : '';
  return `${plural(count, 'host')} could not be checked${names.length ? ` (${names.join(', ')}${more})` : ''}`;
};

/**
 * A title of `head`, then the not-checked note (if any) after `joiner`, naming as many hosts as
 * fit: long host names drop out whole, so the title is never cut inside a name or a count.
 */
export const titleWithUnchecked = (head: string, joiner: string, note: (shown: number) => string): string => {
  for (const shown of [2, 1, 0]) {
    const text = note(shown);
    const title = text ? `${head}${joiner}${text}` : head;
    if (title.length <= CARD_LIMITS.titleChars) return title;
  }
  return clip(`${head}${joiner}${note(0)}`, CARD_LIMITS.titleChars);
};
