/**
 * A change's wave plan, from its targets, the inventory and the `rollout` config. Pure: same
 * input, same plan. The result is JSON-safe and goes into `Change.plan` as it is.
 */
import type { ChangeClass } from '../changes/change.ts';
import type { FailureBudget, RolloutConfig } from '../config/schema-rollout.ts';
import type { Group, Host } from '../inventory/host.ts';
import { batchesFor } from './batches.ts';
import { laterWaves } from './later-waves.ts';
import { pilotWave } from './pilot-wave.ts';
import type { PlannedWave, RolloutPlan } from './rollout-plan.ts';
import { targetRings } from './target-rings.ts';
import { durationText } from './time-text.ts';
import type { WaveDraft } from './wave-draft.ts';

export interface PlanInput {
  /** Target group names, rings in order (pilot first). */
  targets: readonly string[];
  hosts: readonly Host[];
  groups: readonly Group[];
  config: RolloutConfig;
  class: ChangeClass;
}

/** A share is rounded down (10% of 5 hosts tolerates none); a count never exceeds the wave. */
const failuresTolerated = (budget: FailureBudget, hosts: number): number => ('count' in budget ? Math.min(budget.count, hosts) : Math.floor((budget.percent * hosts) / 100 + 1e-9));

const finish = (draft: WaveDraft, input: PlanInput, notes: string[]): PlannedWave => {
  const { config } = input;
  const { batches, widenedBy } = batchesFor(draft.hosts, draft.settings.concurrency, config.spreadBy);
  if (widenedBy) {
    notes.push(`Wave ${draft.name} runs in ${batches.length} batches: its ${widenedBy.size} hosts with ${config.spreadBy} ${widenedBy.value} must not share one.`);
  }
  // An emergency never waits longer than the emergency soak, pilot included; it never waits more than configured either.
  const soak = input.class === 'emergency' ? Math.min(draft.settings.soak, config.emergency.soak) : draft.settings.soak;
  return {
    name: draft.name,
    pilot: draft.pilot,
    source: draft.source,
    batches,
    concurrency: draft.settings.concurrency,
    failureBudget: failuresTolerated(draft.settings.failureBudget, draft.hosts.length),
    soakMs: soak,
    smoke: draft.settings.smoke.map((check) => ({ playbook: check.playbook, params: { ...check.params } })),
  };
};

export const planRollout = (input: PlanInput): RolloutPlan => {
  const inventory = { hosts: input.hosts, groups: input.groups };
  const rings = targetRings(input.targets, input.hosts, input.groups);
  const notes: string[] = [];
  const empty = rings.filter((ring) => ring.hosts.length === 0).map((ring) => ring.group);
  if (empty.length > 0) notes.push(`${empty.join(', ')} add${empty.length === 1 ? 's' : ''} no hosts (empty, or all in an earlier target).`);
  const pilot = pilotWave(rings, input.config.pilot, input.config.defaults, inventory, notes);
  const piloted = new Set(pilot.hosts.map((host) => host.name));
  const rest = rings.map((ring) => ({ group: ring.group, hosts: ring.hosts.filter((host) => !piloted.has(host.name)) }));
  const drafts = [pilot, ...laterWaves(rest, input.config, inventory, notes)].filter((draft) => draft.hosts.length > 0);
  const waves = drafts.map((draft) => finish(draft, input, notes));
  if (input.class === 'emergency') notes.push(`Emergency: every wave soaks at most ${durationText(input.config.emergency.soak)}.`);
  return { version: 1, class: input.class, targets: [...input.targets], spreadBy: input.config.spreadBy, waves, notes };
};
