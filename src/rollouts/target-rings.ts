/**
 * A change's targets as rings: each target group's hosts, in the order the change names the
 * groups. A host in several target groups belongs to the first that names it, so no host is
 * planned twice.
 */
import type { Group, Host } from '../inventory/host.ts';
import { findGroup, membersOf } from '../inventory/resolve.ts';
import { closestMatches } from '../shared/closest-matches.ts';
import { NotFoundError, PatchbotError } from '../shared/errors.ts';

export interface Ring {
  group: string;
  hosts: Host[];
}

export const targetRings = (targets: readonly string[], hosts: readonly Host[], groups: readonly Group[]): Ring[] => {
  if (targets.length === 0)
    throw new PatchbotError(
      'invalid-plan',
      'A rollout needs at least one target group.',
      'Name the groups to patch, rings in order, pilot first: `propose <patch id> to <pilot group>, <group>`.',
    );
  const seen = new Set<string>();
  const rings = targets.map((name) => {
    const members = membersOf(findGroup({ hosts, groups }, name), hosts).filter((host) => !seen.has(host.name));
    members.forEach((host) => seen.add(host.name));
    return { group: name, hosts: members };
  });
  if (seen.size === 0) {
    throw new PatchbotError(
      'invalid-plan',
      `The target group${targets.length === 1 ? '' : 's'} ${targets.join(', ')} ${targets.length === 1 ? 'has' : 'have'} no hosts; nothing to roll out.`,
      'Add members or a selector to the group under inventory.groups, or target another group.',
    );
  }
  return rings;
};

/** A group named in `rollout` config; unknown names say where they were written. */
export const configGroup = (groups: readonly Group[], name: string, path: string): Group => {
  const group = groups.find((g) => g.name === name);
  if (!group)
    throw new NotFoundError(
      `group (${path} in config)`,
      name,
      closestMatches(
        name,
        groups.map((g) => g.name),
      ),
    );
  return group;
};
