import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configFixtures, problemsOf } from '../../test/support/config-fixtures.ts';
import { loadConfig } from './load.ts';
import { parseYaml } from './yaml-file.ts';

const fixture = configFixtures();
const COUNT = 5_000;

/** A generated inventory of COUNT hosts in flow style (as CMDB exports write them), `change` applied per line. */
const inventoryText = (change: (line: string, i: number) => string = (line) => line): string => {
  const lines = ['hosts:'];
  for (let i = 0; i < COUNT; i++) {
    const line = `  - { name: h${String(i).padStart(6, '0')}, address: 10.0.${i >> 8}.${i & 255}, os: debian, groups: [grp-${i % 5}], tags: { rack: r${i % 40} } }`;
    lines.push(change(line, i));
  }
  lines.push('groups:', ...Array.from({ length: 5 }, (_, g) => `  - { name: grp-${g}, production: ${g % 2 === 1} }`));
  return `${lines.join('\n')}\n`;
};

/** A config with one inline host (so file indexes differ from merged ones) and the file as `name`. */
const setup = (name: string, inventory: string) => {
  const dir = fixture({
    'patchbot.yaml': ['inventory:', '  hosts: [{ name: inline-1, address: 10.9.0.1, os: ubuntu, groups: [grp-0] }]', `  file: ${name}`].join('\n'),
    [name]: inventory,
  });
  return { dir, file: join(dir, name), load: () => loadConfig({ files: ['patchbot.yaml'], env: {}, cwd: dir, cacheDir: join(dir, 'cache') }) };
};

describe('a large inventory file', () => {
  it('loads to the same config as the data yaml gives for it', async () => {
    const text = inventoryText();
    const fromYaml = await setup('inventory.yaml', text).load();
    const fromData = await setup('inventory.json', JSON.stringify(parse(text))).load();
    expect(fromYaml.config.inventory.hosts).toHaveLength(COUNT + 1);
    // Everything but the name of the file it came from.
    expect({ ...fromYaml.config, inventory: { ...fromYaml.config.inventory, file: 'same' } }).toEqual({ ...fromData.config, inventory: { ...fromData.config.inventory, file: 'same' } });
  });

  it('reports every problem at once, each at its path in the file', async () => {
    const text = inventoryText((line, i) => {
      if (i === 3) return line.replace('os: debian', 'os: debain');
      if (i === 2_500) return line.replace('address: 10.0.9.196, ', '');
      if (i === 4_998) return line.replace('tags:', 'tgas:');
      if (i === 4_999) return line.replace('name: h004999', 'name: h000007, port: 70000');
      return line;
    });
    const { file, load } = setup('inventory.yaml', text.replace(/\n$/, '\n  - { name: ghosts, members: [ghost] }\n'));
    const at = `inventory.file(${file})`;
    expect((await problemsOf(load())).sort()).toEqual(
      [
        `${at}.hosts.3.os: must be one of debian, ubuntu, rhel, centos, rocky, alma, fedora, windows (got text "debain")`,
        `${at}.hosts.2500.address: required; give text`,
        `${at}.hosts.4998.tgas: unknown key; remove it`,
        `${at}.hosts.4999.port: Too big: expected number to be <=65535`,
        `${at}.hosts.4999.name: duplicate host name "h000007"; each host name must be unique, rename or remove one`,
        `${at}.groups.5.members.0: unknown host "ghost"; add it to inventory.hosts or remove it from the group`,
      ].sort(),
    );
  });

  it('reports a syntax error deep inside as yaml does, at its file:line:col', async () => {
    const text = inventoryText((line, i) => (i === 4_000 ? line.replace(' }', '') : line));
    const { file, load } = setup('inventory.yaml', text);
    const problems = await problemsOf(load());
    expect(problems).toEqual((parseYaml(text, file) as { problems: string[] }).problems);
    expect(problems[0]).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:4003:3: `));
  });

  it('reports a duplicate key deep inside as yaml does, not the last value winning', async () => {
    const text = inventoryText((line, i) => (i === 1_234 ? line.replace('os: debian', 'os: debian, os: windows') : line));
    const { file, load } = setup('inventory.yaml', text);
    expect(await problemsOf(load())).toEqual([`${file}:1236:55: Map keys must be unique`]);
  });
});
