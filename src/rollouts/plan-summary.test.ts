import { describe, expect, it } from 'vitest';
import { planRollout } from './plan.ts';
import { planSummary } from './plan-summary.ts';
import { RolloutPlan } from './rollout-plan.ts';
import { groupsFor, hostsIn, rollout } from '../../test/support/rollout-estate.ts';

const hosts = [...hostsIn('pilot', 2), ...hostsIn('prod-web', 10), ...hostsIn('prod-db', 4, (i) => ({ cluster: i < 2 ? 'db-a' : 'db-b' }))];
const groups = groupsFor(hosts);

describe('planSummary', () => {
  it('says per wave what runs, how fast, when it stops and how long it watches', () => {
    const config = rollout({
      pilot: { group: 'pilot' },
      spreadBy: 'cluster',
      defaults: { smoke: ['smoke-systemd'] },
      waves: [
        { groups: ['prod-web'], failureBudget: '20%' },
        { percent: 100, concurrency: 1 },
      ],
    });
    const plan = planRollout({ targets: ['pilot', 'prod-web', 'prod-db'], hosts, groups, config, class: 'normal' });
    expect(planSummary(plan)).toEqual([
      'Rollout: 16 hosts in 3 waves, pilot first; no two hosts with the same cluster in one batch',
      'Pilot (pilot): 2 hosts in 1 batch, halt on any failure, soak 30m, smoke smoke-systemd',
      'Wave 2 · prod-web: 10 hosts in 2 batches of ≤5, tolerate 2 failures, soak 15m, smoke smoke-systemd',
      'Wave 3 · 100%: 4 hosts in 4 batches of ≤1, tolerate 1 failure, soak 15m, smoke smoke-systemd',
    ]);
  });

  it('marks an emergency and carries the notes', () => {
    const plan = planRollout({ targets: ['prod-db'], hosts, groups, config: rollout(), class: 'emergency' });
    expect(planSummary(plan)).toEqual([
      'Emergency rollout: 4 hosts in 2 waves, pilot first',
      'Pilot (pilot): 1 host in 1 batch, halt on any failure, soak 5m',
      'Wave 2 · prod-db: 3 hosts in 1 batch, tolerate 1 failure, soak 5m',
      'prod-db is the only target ring: its first host pilots, the rest follow.',
      'Emergency: every wave soaks at most 5m.',
    ]);
  });
});

describe('RolloutPlan', () => {
  const plan = planRollout({
    targets: ['pilot', 'prod-web'],
    hosts,
    groups,
    config: rollout({ defaults: { smoke: [{ playbook: 'smoke-http', params: { url: 'http://127.0.0.1:8080/healthz' } }] } }),
    class: 'normal',
  });

  it('reads a stored plan back unchanged', () => {
    expect(RolloutPlan.parse(JSON.parse(JSON.stringify(plan)))).toEqual(plan);
  });

  it.each<[string, (stored: Record<string, unknown>) => unknown, string]>([
    ['a host in two batches', (p) => ({ ...p, waves: [...(p.waves as unknown[]), { ...(p.waves as Record<string, unknown>[])[0] }] }), 'waves.2.batches.0.0'],
    ['an empty batch', (p) => ({ ...p, waves: [{ ...(p.waves as Record<string, unknown>[])[0], batches: [[]] }] }), 'waves.0.batches.0'],
    ['a negative failure budget', (p) => ({ ...p, waves: [{ ...(p.waves as Record<string, unknown>[])[0], failureBudget: -1 }] }), 'waves.0.failureBudget'],
    ['an unknown version', (p) => ({ ...p, version: 2 }), 'version'],
  ])('refuses %s', (_case, corrupt, path) => {
    const result = RolloutPlan.safeParse(corrupt(JSON.parse(JSON.stringify(plan)) as Record<string, unknown>));
    expect(result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'))).toContain(path);
  });
});
