/**
 * A plan in a few short lines for the approval card and `show <change>`: what runs where, how
 * fast, when it stops, how long it watches. One line a wave, then the plan's notes.
 */
import type { PlannedWave, RolloutPlan } from './rollout-plan.ts';
import { planHosts } from './rollout-plan.ts';
import { durationText } from './time-text.ts';

const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : word.endsWith('h') ? 'es' : 's'}`;

const batchText = (wave: PlannedWave): string => {
  const hosts = wave.batches.reduce((sum, batch) => sum + batch.length, 0);
  if (wave.batches.length === 1) return `${count(hosts, 'host')} in 1 batch`;
  const largest = Math.max(...wave.batches.map((batch) => batch.length));
  return `${count(hosts, 'host')} in ${wave.batches.length} batches of ≤${largest}`;
};

const budgetText = (budget: number): string => (budget === 0 ? 'halt on any failure' : `tolerate ${count(budget, 'failure')}`);

export const waveLine = (wave: PlannedWave, index: number): string => {
  const label = wave.pilot ? `Pilot (${wave.name})` : `Wave ${index + 1} · ${wave.name}`;
  const smoke = wave.smoke.length > 0 ? `, smoke ${wave.smoke.map((check) => check.playbook).join(', ')}` : '';
  return `${label}: ${batchText(wave)}, ${budgetText(wave.failureBudget)}, soak ${durationText(wave.soakMs)}${smoke}`;
};

export const planSummary = (plan: RolloutPlan): string[] => {
  const hosts = planHosts(plan).length;
  const spread = plan.spreadBy ? `; no two hosts with the same ${plan.spreadBy} in one batch` : '';
  const head = `${plan.class === 'emergency' ? 'Emergency rollout' : 'Rollout'}: ${count(hosts, 'host')} in ${count(plan.waves.length, 'wave')}, pilot first${spread}`;
  return [head, ...plan.waves.map(waveLine), ...plan.notes];
};
