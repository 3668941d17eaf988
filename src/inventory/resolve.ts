import { closestMatches } from '../shared/closest-matches.ts';
import { NotFoundError } from '../shared/errors.ts';
import type { Group, Host } from './host.ts';

/**
 * Whether a host is in a group: it is a static member, it names the group itself, or it matches
 * the group's selector (every listed tag equal, os among the listed; a selector that lists
 * neither matches nothing).
 */
export const isMember = (group: Group, host: Pick<Host, 'name' | 'os' | 'groups' | 'tags'>): boolean => {
  if (group.members?.includes(host.name) || host.groups.includes(group.name)) return true;
  const selector = group.selector;
  if (!selector || (!selector.os && !selector.tags)) return false;
  if (selector.os && !selector.os.includes(host.os)) return false;
  return Object.entries(selector.tags ?? {}).every(([key, value]) => host.tags[key] === value);
};

/** A group's hosts (isMember), sorted by name for stable output. */
export const membersOf = (group: Group, hosts: readonly Host[]): Host[] => hosts.filter((host) => isMember(group, host)).sort((a, b) => a.name.localeCompare(b.name));

/** The groups a host belongs to, by any of the three routes above. */
export const groupsOf = (host: Host, groups: readonly Group[]): string[] => groups.filter((group) => membersOf(group, [host]).length > 0).map((group) => group.name);

export interface Inventory {
  hosts: readonly Host[];
  groups: readonly Group[];
}

export const findHost = (inventory: Inventory, name: string): Host => {
  const host = inventory.hosts.find((h) => h.name === name);
  if (!host)
    throw new NotFoundError(
      'host',
      name,
      closestMatches(
        name,
        inventory.hosts.map((h) => h.name),
      ),
    );
  return host;
};

export const findGroup = (inventory: Inventory, name: string): Group => {
  const group = inventory.groups.find((g) => g.name === name);
  if (!group)
    throw new NotFoundError(
      'group',
      name,
      closestMatches(
        name,
        inventory.groups.map((g) => g.name),
      ),
      { label: 'groups', names: inventory.groups.map((g) => g.name) },
    );
  return group;
};

/**
 * Resolves "a group or a host" as typed in chat or the CLI (`scan prod-web`, `scan web-01`):
 * groups win over hosts of the same name; unknown names get the closest of both.
 */
export const resolveTarget = (inventory: Inventory, name: string): { kind: 'group' | 'host'; name: string; hosts: Host[] } => {
  const group = inventory.groups.find((g) => g.name === name);
  if (group) return { kind: 'group', name, hosts: membersOf(group, inventory.hosts) };
  const host = inventory.hosts.find((h) => h.name === name);
  if (host) return { kind: 'host', name, hosts: [host] };
  const names = [...inventory.groups.map((g) => g.name), ...inventory.hosts.map((h) => h.name)];
  throw new NotFoundError('group or host', name, closestMatches(name, names), { label: 'groups and hosts', names });
};
