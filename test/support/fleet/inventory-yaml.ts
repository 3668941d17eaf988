import { stringify } from 'yaml';

export interface FleetHostEntry {
  name: string;
  address: string;
  port: number;
  user: string;
  os: 'debian' | 'ubuntu';
  tags: Record<string, string>;
}

export interface InventoryYamlOptions {
  /** Groups marked `production: true` (the rollout's production waves). */
  productionGroups?: string[];
  /** More `execution` keys, e.g. `{ dryRun: false }` for a run that changes the hosts. */
  execution?: Record<string, unknown>;
}

/**
 * A patchbot config fragment with the top-level keys `inventory` (hosts and the groups named in
 * `groupsByHost`, as static member lists) and `execution` (ssh key and known_hosts), to append to
 * the `store:`/`log:`/… lines of a test's config.
 */
export function inventoryYaml(
  hosts: readonly FleetHostEntry[],
  ssh: { privateKeyPath: string; knownHostsPath: string },
  groupsByHost: Readonly<Record<string, readonly string[]>> = {},
  options: InventoryYamlOptions = {},
): string {
  const known = new Set(hosts.map((h) => h.name));
  const unknown = Object.keys(groupsByHost).filter((h) => !known.has(h));
  if (unknown.length) throw new Error(`inventoryYaml: no fleet host named ${unknown.join(', ')}`);
  const groups = new Map<string, string[]>();
  for (const host of hosts) for (const group of groupsByHost[host.name] ?? []) groups.set(group, [...(groups.get(group) ?? []), host.name]);
  const production = new Set(options.productionGroups ?? []);
  const missing = [...production].filter((g) => !groups.has(g));
  if (missing.length) throw new Error(`inventoryYaml: productionGroups names ${missing.join(', ')}, which no host is in`);
  return stringify({
    inventory: {
      hosts: hosts.map((h) => ({ ...h, groups: [...(groupsByHost[h.name] ?? [])] })),
      groups: [...groups].map(([name, members]) => ({ name, members, ...(production.has(name) ? { production: true } : {}) })),
    },
    execution: { ...options.execution, ssh },
  });
}
