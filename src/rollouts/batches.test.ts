import { describe, expect, it } from 'vitest';
import type { Host } from '../inventory/host.ts';
import { batchesFor } from './batches.ts';
import { planRollout } from './plan.ts';
import { RolloutPlan, waveHosts } from './rollout-plan.ts';
import { groupsFor, host, prng, rollout } from '../../test/support/rollout-estate.ts';
import { shareSizes } from './wave-draft.ts';

describe('shareSizes', () => {
  it.each<[number, number[], number[]]>([
    [10, [25, 25, 50], [2, 3, 5]],
    [10, [100], [10]],
    [15, [10, 90], [1, 14]],
    [3, [10, 40, 50], [1, 1, 1]],
    [2, [10, 40, 50], [1, 1, 0]],
    [0, [50, 50], [0, 0]],
    [10, [33.3, 33.3, 33.4], [3, 3, 4]],
    [100, [1, 99], [1, 99]],
  ])('%i hosts by %j → %j', (count, percents, expected) => {
    expect(shareSizes(count, percents)).toEqual(expected);
  });
});

const tagged = (name: string, cluster?: string): Host => host(name, [], cluster === undefined ? {} : { cluster });
const sizes = (batches: string[][]) => batches.map((batch) => batch.length);

describe('batchesFor', () => {
  it.each<[string, Host[], number, string | null, number[]]>([
    ['no spread: balanced chunks', Array.from({ length: 10 }, (_, i) => tagged(`h${i}`)), 4, null, [4, 3, 3]],
    ['no spread: one batch', [tagged('a'), tagged('b')], 5, null, [2]],
    ['spread: pairs split across the batches concurrency gives', [tagged('a1', 'a'), tagged('a2', 'a'), tagged('b1', 'b'), tagged('b2', 'b')], 2, 'cluster', [2, 2]],
    ['spread: a 3-node cluster widens a 1-batch wave to 3', [tagged('c1', 'c'), tagged('c2', 'c'), tagged('c3', 'c'), tagged('x')], 5, 'cluster', [2, 1, 1]],
    ['spread: untagged hosts are free to share', [tagged('x'), tagged('y'), tagged('z')], 5, 'cluster', [3]],
  ])('%s', (_case, hosts, concurrency, spreadBy, expected) => {
    expect(sizes(batchesFor(hosts, concurrency, spreadBy).batches)).toEqual(expected);
  });

  it('reports the tag set that widened the wave', () => {
    expect(batchesFor([tagged('c1', 'c'), tagged('c2', 'c'), tagged('c3', 'c')], 5, 'cluster').widenedBy).toEqual({ value: 'c', size: 3 });
    expect(batchesFor([tagged('c1', 'c'), tagged('c2', 'c')], 1, 'cluster').widenedBy).toBeNull();
  });
});

describe('spreadBy over random estates', () => {
  /** An estate of 1–80 hosts in 1–4 rings; clusters of 1–6, some hosts untagged. */
  const estate = (seed: number) => {
    const random = prng(seed);
    const rings = Array.from({ length: random.int(1, 4) }, (_, i) => `ring-${i}`);
    const hosts: Host[] = [];
    let cluster = 0;
    const total = random.int(1, 80);
    while (hosts.length < total) {
      const size = random.int(1, 6);
      const untagged = random.next() < 0.2;
      const ring = rings[random.int(0, rings.length - 1)]!;
      for (let i = 0; i < size && hosts.length < total; i++) {
        // Some clusters straddle rings: their members may land in different waves.
        const home = random.next() < 0.1 ? rings[random.int(0, rings.length - 1)]! : ring;
        hosts.push(host(`h${hosts.length}`, [home], untagged ? {} : { cluster: `c${cluster}` }));
      }
      cluster++;
    }
    const shares = random.next() < 0.5 ? [] : [{ percent: 30 }, { percent: 30 }, { percent: 40 }];
    const config = rollout({ spreadBy: 'cluster', waves: shares, defaults: { concurrency: random.int(1, 8) } });
    return { hosts, rings: rings.filter((ring) => hosts.some((h) => h.groups.includes(ring))), config };
  };

  const check = (seed: number) => {
    const { hosts, rings, config } = estate(seed);
    const plan = planRollout({ targets: rings, hosts, groups: groupsFor(hosts), config, class: 'normal' });
    const clusterOf = new Map(hosts.map((h) => [h.name, h.tags.cluster]));
    const replay = `seed ${seed}`;
    for (const wave of plan.waves) {
      const perCluster = new Map<string, number>();
      for (const name of waveHosts(wave)) perCluster.set(clusterOf.get(name) ?? name, (perCluster.get(clusterOf.get(name) ?? name) ?? 0) + 1);
      const largest = Math.max(...perCluster.values());
      expect(wave.batches.length, replay).toBe(Math.max(Math.ceil(waveHosts(wave).length / wave.concurrency), largest));
      for (const batch of wave.batches) {
        expect(batch.length, replay).toBeGreaterThan(0);
        expect(batch.length, replay).toBeLessThanOrEqual(wave.concurrency);
        const clusters = batch.map((name) => clusterOf.get(name)).filter((c) => c !== undefined);
        expect(new Set(clusters).size, replay).toBe(clusters.length);
      }
    }
    expect(plan.waves.flatMap(waveHosts).sort(), replay).toEqual(hosts.map((h) => h.name).sort());
    expect(RolloutPlan.safeParse(plan).success, replay).toBe(true);
  };

  it('never puts two hosts of one cluster in a batch, nor more than concurrency, over 300 seeded estates', () => {
    for (let seed = 1; seed <= 300; seed++) check(seed);
  });
});
