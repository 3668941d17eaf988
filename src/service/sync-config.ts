import type { Config } from '../config/schema.ts';
import type { InventoryRepos } from '../inventory/inventory-store.ts';
import type { PeopleRepos } from '../people/people-store.ts';
import type { Transactional } from '../store/transactional.ts';

/**
 * Config is the source of truth for hosts, groups and people; the store keeps a copy so answers
 * can join them with findings. Synced at every start, in one transaction, so replicas and a
 * crashed start never leave half an inventory.
 */
export const syncConfigToStore = async (store: Transactional<InventoryRepos & PeopleRepos>, config: Config): Promise<{ hosts: number; groups: number; people: number }> => {
  const hosts = config.inventory.hosts ?? [];
  const groups = config.inventory.groups ?? [];
  await store.transaction(async (tx) => {
    await tx.hosts.sync(hosts);
    await tx.groups.sync(groups);
    await tx.people.sync(config.people);
  });
  return { hosts: hosts.length, groups: groups.length, people: config.people.length };
};
