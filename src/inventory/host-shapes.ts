import type { HostClass } from './cover-groups.ts';
import type { Group, Host } from './host.ts';
import { isMember } from './resolve.ts';

/**
 * Inventory hosts folded by what decides their groups (resolve.ts isMember): the groups they name,
 * their os and tags, and their name only when some group lists it among its static members
 * (`name` null otherwise). `hosts` of that shape are in the inventory; `affected` of them need a
 * change. A store can count these without handing over 100,000 hosts.
 */
export interface HostShape {
  name: string | null;
  os: Host['os'];
  groups: readonly string[];
  tags: Readonly<Record<string, string>>;
  hosts: number;
  affected: number;
}

/** The names a shape must keep: every group's static members. */
export const staticMembers = (groups: readonly Group[]): string[] => [...new Set(groups.flatMap((g) => g.members ?? []))].sort();

/** Each shape as the class of hosts coverClasses weighs: the groups it is in, by name. */
export const classesOf = (groups: readonly Group[], shapes: readonly HostShape[]): HostClass[] =>
  shapes.map((s) => ({
    groups: groups.filter((g) => isMember(g, { name: s.name ?? '', os: s.os, groups: [...s.groups], tags: s.tags })).map((g) => g.name),
    hosts: s.hosts,
    affected: s.affected,
  }));
