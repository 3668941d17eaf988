import type { Group, Host } from './host.ts';

/**
 * The inventory as the store keeps it: config is the source of truth, synced in at start, so a
 * CLI and every replica read the same hosts and groups.
 */

export interface HostRepository {
  /** Replaces the stored inventory with the configured one (config is the source of truth). */
  sync(hosts: Host[]): Promise<void>;
  list(): Promise<Host[]>;
  get(name: string): Promise<Host | null>;
}

export interface GroupRepository {
  sync(groups: Group[]): Promise<void>;
  list(): Promise<Group[]>;
  get(name: string): Promise<Group | null>;
  /**
   * The names of a group's hosts by the rule of `membersOf` (static members, hosts naming the
   * group, hosts matching its selector), evaluated in the store; null when there is no such group.
   */
  memberNames(name: string): Promise<string[] | null>;
  /** How many hosts each of these groups has, by the same rule, counted in the store; unknown groups are absent. */
  memberCounts(names: readonly string[]): Promise<Map<string, number>>;
}

export interface InventoryRepos {
  hosts: HostRepository;
  groups: GroupRepository;
}
