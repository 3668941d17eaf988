/** Small estates for the plan tests: hosts by name with groups and tags, and a seeded PRNG. */
import { RolloutConfig } from '../../src/config/schema-rollout.ts';
import { Group, Host } from '../../src/inventory/host.ts';

export const host = (name: string, groups: string[] = [], tags: Record<string, string> = {}): Host => Host.parse({ name, address: `${name}.example`, os: 'debian', groups, tags });

/** `count` hosts named `<prefix>-01`… in `group`; `tags(i)` sets each one's tags. */
export const hostsIn = (group: string, count: number, tags: (i: number) => Record<string, string> = () => ({})): Host[] =>
  Array.from({ length: count }, (_, i) => host(`${group}-${String(i + 1).padStart(2, '0')}`, [group], tags(i)));

/** Groups whose members name them (Host.groups), plus any extra definitions. */
export const groupsFor = (hosts: readonly Host[], extra: Group[] = []): Group[] => {
  const names = new Set(hosts.flatMap((h) => h.groups));
  return [...[...names].map((name) => Group.parse({ name, members: [] })), ...extra];
};

export const rollout = (input: Record<string, unknown> = {}): RolloutConfig => RolloutConfig.parse(input);

/** mulberry32: a tiny deterministic PRNG, so a failing random estate can be replayed by seed. */
export const prng = (seed: number) => {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)) };
};
