import type { Group, Host } from './host.ts';

/**
 * README: a group is its static members, the hosts that list it, and/or a selector. A name only
 * hosts list (`groups: [web]` with no `web` under inventory.groups) is therefore a group of its
 * own: non-production (the `normal` approval policy), members found through the hosts. It is
 * appended after the defined groups so chat, targets and waves see one list.
 */
export const withImpliedGroups = (hosts: readonly Host[], groups: readonly Group[]): Group[] => {
  const defined = new Set(groups.map((group) => group.name));
  const implied: Group[] = [];
  for (const name of hosts.flatMap((host) => host.groups)) {
    if (defined.has(name)) continue;
    defined.add(name);
    implied.push({ name, production: false });
  }
  return [...groups, ...implied];
};
