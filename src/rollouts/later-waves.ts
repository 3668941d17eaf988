/**
 * The waves after the pilot. Without configured waves: one per target ring, in the change's
 * order. With them, in their order: a group wave takes the remaining target hosts of its groups
 * (claimed first, whatever its position); percent waves share the hosts left after that, in ring
 * order. Hosts no configured wave takes (there are group waves only) follow in one wave per ring.
 * Empty waves are dropped.
 */
import type { RolloutConfig, WaveSpec } from '../config/schema-rollout.ts';
import type { Group, Host } from '../inventory/host.ts';
import { membersOf } from '../inventory/resolve.ts';
import { configGroup, type Ring } from './target-rings.ts';
import { settingsOf, shareSizes, type WaveDraft } from './wave-draft.ts';

interface Inventory {
  hosts: readonly Host[];
  groups: readonly Group[];
}

const ringWaves = (rings: readonly Ring[], config: RolloutConfig): WaveDraft[] =>
  rings.map((ring) => ({ name: ring.group, pilot: false, source: { groups: [ring.group] }, hosts: ring.hosts, settings: config.defaults }));

export const laterWaves = (rings: readonly Ring[], config: RolloutConfig, inventory: Inventory, notes: string[]): WaveDraft[] => {
  if (config.waves.length === 0) return ringWaves(rings, config);
  const pool = rings.flatMap((ring) => ring.hosts);
  const claimed = new Set<string>();
  const byGroups = new Map<WaveSpec, Host[]>();
  config.waves.forEach((spec, index) => {
    if (!spec.groups) return;
    const members = new Set(spec.groups.flatMap((name) => membersOf(configGroup(inventory.groups, name, `rollout.waves.${index}.groups`), inventory.hosts)).map((h) => h.name));
    const hosts = pool.filter((host) => members.has(host.name) && !claimed.has(host.name));
    hosts.forEach((host) => claimed.add(host.name));
    if (hosts.length === 0) notes.push(`Wave ${spec.name ?? spec.groups.join('+')} is left out: no remaining target host is in ${spec.groups.join(', ')}.`);
    byGroups.set(spec, hosts);
  });
  const left = pool.filter((host) => !claimed.has(host.name));
  const shares = config.waves.filter((spec) => spec.percent !== undefined);
  const sizes = shareSizes(
    left.length,
    shares.map((spec) => spec.percent!),
  );
  let at = 0;
  const waves = config.waves.map((spec): WaveDraft => {
    const settings = settingsOf(spec, config.defaults);
    const groupHosts = byGroups.get(spec);
    if (groupHosts) return { name: spec.name ?? spec.groups!.join('+'), pilot: false, source: { groups: spec.groups! }, hosts: groupHosts, settings };
    const size = sizes[shares.indexOf(spec)] ?? 0;
    const hosts = left.slice(at, at + size);
    at += size;
    return { name: spec.name ?? `${spec.percent}%`, pilot: false, source: { percent: spec.percent! }, hosts, settings };
  });
  if (shares.length > 0 || left.length === 0) return waves;
  const rest = rings.map((ring) => ({ group: ring.group, hosts: ring.hosts.filter((host) => !claimed.has(host.name)) })).filter((ring) => ring.hosts.length > 0);
  notes.push(`No configured wave takes the hosts of ${rest.map((ring) => ring.group).join(', ')}; they follow in a wave per ring.`);
  return [...waves, ...ringWaves(rest, config)];
};
