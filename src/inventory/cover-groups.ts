import type { Group, Host } from './host.ts';
import { membersOf } from './resolve.ts';

/**
 * The groups to propose a rollout to so that every affected host is covered while touching as few
 * unaffected hosts as possible: greedily the group whose members are most often still-uncovered
 * affected hosts (`pilot` with its one affected host before `all-linux` with one in forty), and
 * among equals the one covering more. Non-production groups come first, so the rings read
 * pilot first. Affected hosts that no group contains are returned as `uncovered`.
 */
export const coverGroups = (groups: readonly Group[], hosts: readonly Host[], affected: ReadonlySet<string>): { groups: Group[]; uncovered: string[] } => {
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
