import { describe, expect, it } from 'vitest';
import type { ChangeClass } from '../changes/change.ts';
import { Group } from '../inventory/host.ts';
import { planRollout } from './plan.ts';
import { planHosts, RolloutPlan, waveHosts } from './rollout-plan.ts';
import { groupsFor, host, hostsIn, rollout } from '../../test/support/rollout-estate.ts';

const MIN = 60_000;
const hosts = [
  ...hostsIn('pilot', 2),
  ...hostsIn('prod-web', 10),
  ...hostsIn('prod-db', 4, (i) => ({ cluster: i < 2 ? 'db-a' : 'db-b' })),
  host('lab-01', ['lab']),
  host('edge-01', ['prod-web', 'prod-db']),
];
const groups = groupsFor(hosts, [Group.parse({ name: 'canary', members: ['prod-web-01', 'prod-db-01', 'lab-01'] })]);

const plan = (targets: string[], config: Record<string, unknown> = {}, changeClass: ChangeClass = 'normal') =>
  planRollout({ targets, hosts, groups, config: rollout(config), class: changeClass });

/** [wave name, hosts, batches, failures tolerated, soak in minutes] per wave. */
const shape = (p: RolloutPlan) => p.waves.map((w) => [w.name, waveHosts(w).length, w.batches.length, w.failureBudget, w.soakMs / MIN]);

describe('planRollout', () => {
  it.each<[string, string[], Record<string, unknown>, ChangeClass, (string | number)[][]]>([
    [
      'rings: first target ring pilots, one wave per ring',
      ['pilot', 'prod-web', 'prod-db'],
      {},
      'normal',
      [
        ['pilot', 2, 1, 0, 30],
        ['prod-web', 11, 3, 1, 15],
        ['prod-db', 4, 1, 1, 15],
      ],
    ],
    [
      'pilot group among the targets',
      ['pilot', 'prod-web'],
      { pilot: { group: 'pilot' } },
      'normal',
      [
        ['pilot', 2, 1, 0, 30],
        ['prod-web', 11, 3, 1, 15],
      ],
    ],
    [
      'pilot group not among the targets, some of its hosts are',
      ['prod-web', 'prod-db'],
      { pilot: { group: 'canary' } },
      'normal',
      [
        ['pilot', 2, 1, 0, 30],
        ['prod-web', 10, 2, 1, 15],
        ['prod-db', 3, 1, 1, 15],
      ],
    ],
    [
      'pilot group with no target hosts: first ring pilots',
      ['prod-web', 'prod-db'],
      { pilot: { group: 'lab' } },
      'normal',
      [
        ['pilot', 11, 3, 0, 30],
        ['prod-db', 4, 1, 1, 15],
      ],
    ],
    [
      'only one ring: its first host pilots',
      ['prod-web'],
      {},
      'normal',
      [
        ['pilot', 1, 1, 0, 30],
        ['prod-web', 10, 2, 1, 15],
      ],
    ],
    [
      'only one ring, pilot size 3',
      ['prod-web'],
      { pilot: { size: 3 } },
      'normal',
      [
        ['pilot', 3, 1, 0, 30],
        ['prod-web', 8, 2, 1, 15],
      ],
    ],
    ['a ring no bigger than the pilot size pilots whole', ['pilot'], { pilot: { size: 2 } }, 'normal', [['pilot', 2, 1, 0, 30]]],
    [
      'percent waves share the rest, rounded down, last takes the remainder',
      ['pilot', 'prod-web'],
      { waves: [{ percent: 25 }, { percent: 25 }, { percent: 50 }] },
      'normal',
      [
        ['pilot', 2, 1, 0, 30],
        ['25%', 2, 1, 1, 15],
        ['25%', 3, 1, 1, 15],
        ['50%', 6, 2, 1, 15],
      ],
    ],
    [
      'percent waves never empty: 6 waves, 5 hosts, the last is dropped',
      ['pilot', 'prod-db'],
      { waves: [{ percent: 10 }, { percent: 10 }, { percent: 10 }, { percent: 10 }, { percent: 10 }, { percent: 50 }] },
      'normal',
      [
        ['pilot', 2, 1, 0, 30],
        ['10%', 1, 1, 1, 15],
        ['10%', 1, 1, 1, 15],
        ['10%', 1, 1, 1, 15],
        ['10%', 1, 1, 1, 15],
        ['10%', 1, 1, 1, 15],
      ],
    ],
    [
      'group waves claim first; percent waves share what is left',
      ['pilot', 'prod-web', 'prod-db'],
      { waves: [{ percent: 50, name: 'early' }, { groups: ['prod-db'], soak: '1h' }, { percent: 50 }] },
      'normal',
      [
        ['pilot', 2, 1, 0, 30],
        ['early', 5, 1, 1, 15],
        ['prod-db', 5, 1, 1, 60],
        ['50%', 5, 1, 1, 15],
      ],
    ],
    [
      'hosts no configured wave takes follow, a wave per ring',
      ['pilot', 'prod-web', 'prod-db'],
      { waves: [{ groups: ['canary'] }] },
      'normal',
      [
        ['pilot', 2, 1, 0, 30],
        ['canary', 2, 1, 1, 15],
        ['prod-web', 10, 2, 1, 15],
        ['prod-db', 3, 1, 1, 15],
      ],
    ],
    [
      'per-wave settings over defaults',
      ['pilot', 'prod-web'],
      { defaults: { concurrency: 2, failureBudget: '20%', soak: '10m' }, pilot: { concurrency: 1, soak: '1h' } },
      'normal',
      [
        ['pilot', 2, 2, 0, 60],
        ['prod-web', 11, 6, 2, 10],
      ],
    ],
    [
      'emergency: pilot first, every soak cut to the emergency soak',
      ['pilot', 'prod-web', 'prod-db'],
      { waves: [{ groups: ['prod-web'], soak: '2m' }] },
      'emergency',
      [
        ['pilot', 2, 1, 0, 5],
        ['prod-web', 11, 3, 1, 2],
        ['prod-db', 4, 1, 1, 5],
      ],
    ],
    [
      'emergency soak is configurable',
      ['pilot', 'prod-web'],
      { emergency: { soak: '10m' } },
      'emergency',
      [
        ['pilot', 2, 1, 0, 10],
        ['prod-web', 11, 3, 1, 10],
      ],
    ],
  ])('%s', (_case, targets, config, changeClass, expected) => {
    const result = plan(targets, config, changeClass);
    expect(shape(result)).toEqual(expected);
    expect(RolloutPlan.parse(JSON.parse(JSON.stringify(result)))).toEqual(result);
  });

  it.each<[string, number | string, number, number]>([
    ['a count', 1, 10, 1],
    ['a count larger than the wave', 3, 2, 2],
    ['zero: the first failure halts', 0, 10, 0],
    ['a share, rounded down', '10%', 10, 1],
    ['a share of a small wave tolerates none', '10%', 5, 0],
    ['a quarter', '25%', 10, 2],
    ['all of them', '100%', 4, 4],
  ])('failure budget: %s', (_case, failureBudget, size, expected) => {
    const estate = hostsIn('g', size + 1);
    const result = planRollout({ targets: ['g'], hosts: estate, groups: groupsFor(estate), config: rollout({ defaults: { failureBudget } }), class: 'normal' });
    expect(result.waves[1]?.failureBudget).toBe(expected);
  });

  it('plans a host named by two targets once, in the first', () => {
    const result = plan(['pilot', 'prod-web', 'prod-db']);
    expect(planHosts(result).filter((name) => name === 'edge-01')).toEqual(['edge-01']);
    expect(result.waves[1]?.name).toBe('prod-web');
    expect(waveHosts(result.waves[1]!)).toContain('edge-01');
  });

  it('balances batches without spreadBy (11 hosts at concurrency 5: 4, 4, 3)', () => {
    expect(plan(['pilot', 'prod-web']).waves[1]?.batches.map((b) => b.length)).toEqual([4, 4, 3]);
  });

  it('explains fallbacks and empty targets in notes', () => {
    expect(plan(['prod-web', 'lab'], { pilot: { group: 'pilot' } }).notes).toEqual(['The pilot group pilot has none of the target hosts, so the first target ring pilots instead.']);
    expect(plan(['prod-web'], {}).notes).toEqual(['prod-web is the only target ring: its first host pilots, the rest follow.']);
    expect(plan(['pilot', 'prod-web', 'pilot'], {}, 'emergency').notes).toEqual(['pilot adds no hosts (empty, or all in an earlier target).', 'Emergency: every wave soaks at most 5m.']);
    expect(plan(['pilot', 'prod-db'], { spreadBy: 'cluster', defaults: { concurrency: 5 } }).notes).toEqual([
      'Wave prod-db runs in 2 batches: its 2 hosts with cluster db-a must not share one.',
    ]);
  });

  it.each<[string, string[], Record<string, unknown>, string]>([
    ['no targets', [], {}, 'A rollout needs at least one target group.'],
    ['an unknown target', ['prod-wbe'], {}, 'No group named `prod-wbe`. Did you mean `prod-db`, `prod-web`?'],
    ['targets without hosts', ['empty'], {}, 'The target group empty has no hosts; nothing to roll out.'],
    ['an unknown pilot group in config', ['prod-web'], { pilot: { group: 'pilots' } }, 'No group (rollout.pilot.group in config) named `pilots`. Did you mean `pilot`?'],
    [
      'an unknown wave group in config',
      ['prod-web'],
      { waves: [{ groups: ['prod-dbb'] }] },
      'No group (rollout.waves.0.groups in config) named `prod-dbb`. Did you mean `prod-db`, `prod-web`?',
    ],
  ])('refuses %s', (_case, targets, config, message) => {
    const estateGroups = [...groups, Group.parse({ name: 'empty', members: [] })];
    expect(() => planRollout({ targets, hosts, groups: estateGroups, config: rollout(config), class: 'normal' })).toThrow(message);
  });
});
