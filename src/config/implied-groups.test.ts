import { describe, expect, it } from 'vitest';
import { choosePolicy } from '../changes/approval-policy.ts';
import { membersOf } from '../inventory/resolve.ts';
import { formatPath, problemsOf } from './issues.ts';
import { Config, type ConfigInput } from './schema.ts';
import { configWarnings } from './warnings.ts';

const problems = (input: ConfigInput): string[] => {
  const result = Config.safeParse(input, { reportInput: true });
  return result.success ? [] : result.error.issues.flatMap((issue) => problemsOf(issue, Config)).map((p) => `${formatPath(p.path)}: ${p.message}`);
};

const inventoryWarnings = (config: Config) => configWarnings(config).filter((line) => line.startsWith('inventory.'));
const host = (name: string, groups: string[]) => ({ name, address: `${name}.example`, os: 'debian' as const, groups });

describe('a group defined only by the hosts that list it', () => {
  const input: ConfigInput = {
    inventory: { hosts: [host('web-01', ['web']), host('web-02', ['web', 'pilot']), host('db-01', ['db'])], groups: [{ name: 'db', members: ['db-01'], production: true }] },
    schedules: { proposals: [{ name: 'p', cron: '0 9 * * 2', patches: 'critical', targets: ['pilot', 'web'], window: 'weeknights' }] },
    windows: { weeknights: { cron: '0 22 * * 1-5', duration: '4h' } },
  };

  it('is accepted, as a non-production group whose members are the hosts naming it', () => {
    expect(problems(input)).toEqual([]);
    const config = Config.parse(input);
    expect(config.inventory.groups.map((group) => [group.name, group.production])).toEqual([
      ['db', true],
      ['web', false],
      ['pilot', false],
    ]);
    const web = config.inventory.groups.find((group) => group.name === 'web');
    expect(web && membersOf(web, config.inventory.hosts).map((h) => h.name)).toEqual(['web-01', 'web-02']);
    // Non-production: the `normal` policy, as for any group not marked production.
    expect(choosePolicy(config.approval, 'normal', { production: web?.production ?? true }).name).toBe('normal');
    expect(inventoryWarnings(config)).toEqual([]);
  });

  it('still refuses targets nobody defines or lists, and names that cannot be groups', () => {
    expect(
      problems({
        inventory: { hosts: [host('web-01', ['web', 'bad name'])] },
        schedules: { proposals: [{ name: 'p', cron: '0 9 * * 2', patches: 'critical', targets: ['web', 'nowhere'], window: 'now' }] },
      }),
    ).toEqual([
      'inventory.hosts.0.groups.1: "bad name" is not a group name (letters, digits, dot, dash, underscore; first a letter or digit)',
      'schedules.proposals.0.targets.1: unknown group "nowhere"; define it under inventory.groups',
    ]);
  });

  it('warns when the name is one typo away from a defined group', () => {
    const config = Config.parse({ inventory: { hosts: [host('web-01', ['prod-wbe'])], groups: [{ name: 'prod-web', selector: { os: ['rhel'] } }] } });
    expect(inventoryWarnings(config)).toEqual(['inventory.hosts.0.groups.0: group prod-wbe is defined only by the hosts that list it; did you mean prod-web?']);
  });

  it('may be defined only to make it production (README): its members are the hosts listing it, and no near-name warning', () => {
    const input: ConfigInput = {
      inventory: {
        hosts: [host('db-01', ['prod-db']), host('db-02', ['prod-db']), host('web-01', ['prod-web'])],
        groups: [
          { name: 'prod-db', production: true },
          { name: 'prod-web', members: ['web-01'] },
        ],
      },
    };
    expect(problems(input)).toEqual([]);
    const config = Config.parse(input);
    const db = config.inventory.groups.find((group) => group.name === 'prod-db');
    expect(db?.production).toBe(true);
    expect(db && membersOf(db, config.inventory.hosts).map((h) => h.name)).toEqual(['db-01', 'db-02']);
    expect(choosePolicy(config.approval, 'normal', { production: db?.production ?? false }).name).toBe('production');
    expect(inventoryWarnings(config)).toEqual([]);
  });

  it('refuses a group that no host lists and that has neither members nor a selector: it would always be empty', () => {
    expect(problems({ inventory: { hosts: [host('db-01', [])], groups: [{ name: 'prod-db', production: true }] } })).toEqual([
      `inventory.groups.0: group "prod-db" has no members: give it members (host names) or a selector (os, tags), or list it in hosts' groups`,
    ]);
  });

  it('suggests the closest host for an unknown member', () => {
    expect(problems({ inventory: { hosts: [host('web_01', [])], groups: [{ name: 'web', members: ['web-01', 'zzz'] }] } })).toEqual([
      'inventory.groups.0.members.0: unknown host "web-01" (did you mean "web_01"?); add it to inventory.hosts or remove it from the group',
      'inventory.groups.0.members.1: unknown host "zzz"; add it to inventory.hosts or remove it from the group',
    ]);
  });
});
