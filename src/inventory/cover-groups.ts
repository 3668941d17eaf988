import type { Group, Host } from './host.ts';
import { isMember } from './resolve.ts';

/**
 * Hosts that are alike for the cover: in exactly these groups (by name). `hosts` of them are in
 * the inventory, `affected` of those need the change.
 */
export interface HostClass {
  groups: readonly string[];
  hosts: number;
  affected: number;
}

/**
 * The groups to propose a rollout to so that every affected host is covered while touching as few
 * unaffected hosts as possible: greedily the group whose members are most often still-uncovered
 * affected hosts (`pilot` with its one affected host before `all-linux` with one in forty), and
 * among equals the one covering more. Non-production groups come first, so the rings read
 * pilot first.
 *
 * Over classes of hosts rather than hosts: a group's gain and size are sums over the classes it
 * is in, and choosing it covers those classes whole, so the choice is the one host by host would
 * give, at the cost of the classes (a digest at 100,000 hosts has a few thousand).
 */
export const coverClasses = (groups: readonly Group[], classes: readonly HostClass[]): Group[] => {
  const inGroup = new Map<string, number[]>();
  const size = new Map<string, number>();
  classes.forEach((c, i) => {
    for (const name of new Set(c.groups)) {
      const list = inGroup.get(name);
      if (list) list.push(i);
      else inGroup.set(name, [i]);
      size.set(name, (size.get(name) ?? 0) + c.hosts);
    }
  });
  const left = classes.map((c) => c.affected);
  const chosen: Group[] = [];
  for (;;) {
    let best: { group: Group; gain: number; precision: number } | null = null;
    for (const group of groups) {
      if (chosen.includes(group)) continue;
      const gain = (inGroup.get(group.name) ?? []).reduce((sum, i) => sum + left[i]!, 0);
      if (gain === 0) continue;
      const precision = gain / size.get(group.name)!;
      if (!best || precision > best.precision || (precision === best.precision && gain > best.gain)) best = { group, gain, precision };
    }
    if (!best) break;
    chosen.push(best.group);
    for (const i of inGroup.get(best.group.name) ?? []) left[i] = 0;
  }
  return [...chosen.filter((g) => !g.production), ...chosen.filter((g) => g.production)];
};

/** coverClasses over an inventory in memory; affected hosts that no chosen group contains are returned as `uncovered`. */
export const coverGroups = (groups: readonly Group[], hosts: readonly Host[], affected: ReadonlySet<string>): { groups: Group[]; uncovered: string[] } => {
  const classes = new Map<string, HostClass & { names: string[] }>();
  for (const host of hosts) {
    const names = groups.filter((g) => isMember(g, host)).map((g) => g.name);
    const key = JSON.stringify(names);
    const c = classes.get(key) ?? { groups: names, hosts: 0, affected: 0, names: [] };
    c.hosts += 1;
    if (affected.has(host.name)) {
      c.affected += 1;
      c.names.push(host.name);
    }
    classes.set(key, c);
  }
  const chosen = coverClasses(groups, [...classes.values()]);
  const names = new Set(chosen.map((g) => g.name));
  const covered = new Set([...classes.values()].filter((c) => c.groups.some((g) => names.has(g))).flatMap((c) => c.names));
  return { groups: chosen, uncovered: [...affected].filter((name) => !covered.has(name)).sort() };
};
