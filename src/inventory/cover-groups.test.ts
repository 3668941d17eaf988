import { describe, expect, it } from 'vitest';
import { coverGroups } from './cover-groups.ts';
import type { Group, Host } from './host.ts';

const host = (name: string, tags: Record<string, string> = {}): Host => ({ name, address: '10.0.0.1', port: 22, user: 'root', os: 'debian', groups: [], tags, connection: 'ssh' });
const hosts = [
  host('pilot-01', { env: 'pilot' }),
  host('web-01', { env: 'prod', role: 'web' }),
  host('web-02', { env: 'prod', role: 'web' }),
  host('db-01', { env: 'prod', role: 'db' }),
  host('lonely'),
];
const groups: Group[] = [
  { name: 'everything', production: true, members: ['pilot-01', 'web-01', 'web-02', 'db-01'] },
  { name: 'prod-web', production: true, selector: { tags: { role: 'web' } } },
  { name: 'prod-db', production: true, members: ['db-01'] },
  { name: 'pilot', production: false, members: ['pilot-01'] },
];
const names = (result: ReturnType<typeof coverGroups>) => result.groups.map((g) => g.name);

describe('coverGroups', () => {
  it.each([
    ['one host: its most specific group', ['web-01'], ['prod-web'], []],
    ['pilot comes first, then production', ['web-02', 'pilot-01'], ['pilot', 'prod-web'], []],
    ['the group covering most wins over several small ones', ['pilot-01', 'web-01', 'web-02', 'db-01'], ['everything'], []],
    ['a host in no group is reported, not dropped', ['lonely', 'db-01'], ['prod-db'], ['lonely']],
    ['nothing affected: nothing to propose', [], [], []],
  ])('%s', (_name, affected, expected, uncovered) => {
    const result = coverGroups(groups, hosts, new Set(affected));
    expect(names(result)).toEqual(expected);
    expect(result.uncovered).toEqual(uncovered);
  });
});
