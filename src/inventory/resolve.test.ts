import { describe, expect, it } from 'vitest';
import type { Group, Host } from './host.ts';
import { groupsOf, membersOf, resolveTarget } from './resolve.ts';

const host = (name: string, os: Host['os'], tags: Record<string, string>, groups: string[] = []): Host => ({
  name,
  address: `${name}.example`,
  port: 22,
  user: 'root',
  os,
  groups,
  tags,
  connection: 'ssh',
});
const hosts = [
  host('web-01', 'debian', { env: 'prod', role: 'web', cluster: 'a' }),
  host('web-02', 'ubuntu', { env: 'prod', role: 'web', cluster: 'a' }),
  host('db-01', 'rhel', { env: 'prod', role: 'db' }, ['pilot']),
  host('stg-web', 'debian', { env: 'staging', role: 'web' }),
  host('win-01', 'windows', { env: 'prod' }),
];
const groups: Group[] = [
  { name: 'prod-web', selector: { tags: { env: 'prod', role: 'web' } }, production: true },
  { name: 'linux', selector: { os: ['debian', 'ubuntu', 'rhel'] }, production: false },
  { name: 'pilot', members: ['stg-web'], production: false },
  { name: 'empty-selector', selector: {}, production: false },
];

describe('inventory resolution', () => {
  it.each([
    ['prod-web', ['web-01', 'web-02']],
    ['linux', ['db-01', 'stg-web', 'web-01', 'web-02']],
    ['pilot', ['db-01', 'stg-web']],
    ['empty-selector', []],
  ])('group %s has %j', (name, expected) => {
    expect(
      membersOf(
        groups.find((g) => g.name === name)!,
        hosts,
      ).map((h) => h.name),
    ).toEqual(expected);
  });

  it('lists the groups of a host by every route', () => {
    expect(groupsOf(hosts[2]!, groups)).toEqual(['linux', 'pilot']);
  });

  it('resolves groups before hosts, and suggests the closest names for typos', () => {
    expect(resolveTarget({ hosts, groups }, 'web-01')).toMatchObject({ kind: 'host', hosts: [{ name: 'web-01' }] });
    expect(resolveTarget({ hosts, groups }, 'pilot').kind).toBe('group');
    expect(() => resolveTarget({ hosts, groups }, 'prod-wbe')).toThrow('No group or host named `prod-wbe`. Did you mean `prod-web`?');
    // Nothing close: the known names instead.
    expect(() => resolveTarget({ hosts, groups }, 'zzzzzz')).toThrow(/^No group or host named `zzzzzz`\. Known groups and hosts: `[^`]+`(, `[^`]+`)*(, \+\d+ more)?\.$/);
  });
});
