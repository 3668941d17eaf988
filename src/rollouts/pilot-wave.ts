/**
 * Which target hosts pilot the change. The pilot group (the test group that mirrors production)
 * pilots with its hosts that the change targets — never hosts outside the targets. Without one,
 * or when none of its hosts are targeted, the first target ring pilots; and when that ring is the
 * only one, its first `pilot.size` hosts do, so that a pilot still goes first.
 */
import type { PilotConfig, WaveDefaults } from '../config/schema-rollout.ts';
import type { Group, Host } from '../inventory/host.ts';
import { membersOf } from '../inventory/resolve.ts';
import { configGroup, type Ring } from './target-rings.ts';
import { settingsOf, type WaveDraft } from './wave-draft.ts';

export const pilotWave = (
  rings: readonly Ring[],
  pilot: PilotConfig,
  defaults: WaveDefaults,
  inventory: { hosts: readonly Host[]; groups: readonly Group[] },
  notes: string[],
): WaveDraft => {
  const wave = (hosts: Host[], group: string): WaveDraft => ({ name: 'pilot', pilot: true, source: { groups: [group] }, hosts, settings: settingsOf(pilot, defaults) });
  const filled = rings.filter((ring) => ring.hosts.length > 0);
  if (pilot.group !== null) {
    const members = new Set(membersOf(configGroup(inventory.groups, pilot.group, 'rollout.pilot.group'), inventory.hosts).map((h) => h.name));
    const chosen = filled.flatMap((ring) => ring.hosts).filter((host) => members.has(host.name));
    if (chosen.length > 0) return wave(chosen, pilot.group);
    notes.push(`The pilot group ${pilot.group} has none of the target hosts, so the first target ring pilots instead.`);
  }
  const first = filled[0]!;
  if (filled.length > 1 || first.hosts.length <= pilot.size) return wave(first.hosts, first.group);
  const who = pilot.size === 1 ? 'its first host pilots' : `its first ${pilot.size} hosts pilot`;
  notes.push(`${first.group} is the only target ring: ${who}, the rest follow.`);
  return wave(first.hosts.slice(0, pilot.size), first.group);
};
