import { describe, expect, it } from 'vitest';
import { random } from '../bench/scale/estate.ts';
import { coverGroups } from '../src/inventory/cover-groups.ts';
import type { Group, Host, OsFamily } from '../src/inventory/host.ts';
import { oldCoverGroups } from './support/digest-oracle.ts';

/**
 * The cover over classes of alike hosts (what the digest weighs at 100,000 hosts) chooses what
 * the former host-by-host greedy chose, on seeded random inventories: overlapping static, named
 * and selector groups, ties, hosts in no group, affected hosts missing from the inventory.
 */
const OS: OsFamily[] = ['debian', 'ubuntu', 'rhel', 'windows'];

const inventory = (seed: number): { hosts: Host[]; groups: Group[]; affected: Set<string> } => {
  const rnd = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const groupNames = Array.from({ length: 3 + Math.floor(rnd() * 8) }, (_, i) => `g${i}`);
  const hosts = Array.from({ length: 5 + Math.floor(rnd() * 60) }, (_, i): Host => ({
    name: `h${i}`,
    address: '10.0.0.1',
    port: 22,
    user: 'root',
    os: pick(OS),
    groups: groupNames.filter(() => rnd() < 0.15),
    tags: { env: pick(['prod', 'stage']), role: pick(['web', 'db', 'app']) },
    connection: 'ssh',
  }));
  const groups = groupNames.map((name): Group => {
    const kind = rnd();
    const production = rnd() < 0.5;
    if (kind < 0.3)
      return {
        name,
        production,
        members: hosts
          .filter(() => rnd() < 0.2)
          .map((h) => h.name)
          .concat(rnd() < 0.3 ? ['ghost'] : []),
      };
    if (kind < 0.6) return { name, production, selector: { ...(rnd() < 0.5 ? { os: [pick(OS), pick(OS)] } : {}), ...(rnd() < 0.7 ? { tags: { role: pick(['web', 'db', 'app']) } } : {}) } };
    return { name, production };
  });
  const affected = new Set([...hosts.filter(() => rnd() < 0.4).map((h) => h.name), ...(rnd() < 0.3 ? ['ghost', 'gone'] : [])]);
  return { hosts, groups, affected };
};

describe('coverGroups over classes', () => {
  it.each(Array.from({ length: 300 }, (_, i) => i + 1))('inventory %i: the same groups and uncovered hosts as host by host', (seed) => {
    const { hosts, groups, affected } = inventory(seed);
    const now = coverGroups(groups, hosts, affected);
    const before = oldCoverGroups(groups, hosts, affected);
    expect(now.groups.map((g) => g.name)).toEqual(before.groups.map((g) => g.name));
    expect(now.uncovered).toEqual(before.uncovered);
  });
});
