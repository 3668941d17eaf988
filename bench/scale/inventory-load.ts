/**
 * `node --import tsx bench/scale/inventory-load.ts [hosts]`: how long loading a config whose
 * inventory.file has that many hosts takes (YAML parse and validation), three times in one process.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.ts';
import { inventory } from './estate.ts';

const size = Number(process.argv[2] ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), 'patchbot-inventory-'));
const { hosts, groups } = inventory(size);
const yaml = [
  'hosts:',
  ...hosts.map((h) => `  - { name: ${h.name}, address: ${h.address}, os: ${h.os}, groups: [${h.groups.join(', ')}], tags: { rack: ${h.tags.rack}, grp: ${h.groups[0]} } }`),
  'groups:',
  ...groups.map((g) =>
    g.selector ? `  - { name: ${g.name}, selector: { os: [debian] }, production: true }` : `  - { name: ${g.name}, selector: { tags: { grp: ${g.name} } }, production: ${g.production} }`,
  ),
].join('\n');
writeFileSync(join(dir, 'inventory.yaml'), `${yaml}\n`);
const json = {
  hosts: hosts.map((h) => ({ name: h.name, address: h.address, os: h.os, groups: h.groups, tags: { ...h.tags, grp: h.groups[0] } })),
  groups: groups.map((g) =>
    g.selector ? { name: g.name, selector: { os: ['debian'] }, production: true } : { name: g.name, selector: { tags: { grp: g.name } }, production: g.production },
  ),
};
writeFileSync(join(dir, 'inventory.json'), JSON.stringify(json));
for (const file of ['inventory.yaml', 'inventory.json']) {
  writeFileSync(join(dir, 'patchbot.yaml'), ['store: { url: "pglite://memory" }', `inventory: { file: ${join(dir, file)} }`].join('\n'));
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const { config } = await loadConfig({ files: [join(dir, 'patchbot.yaml')], env: {}, cwd: dir });
    process.stdout.write(`${file}: ${config.inventory.hosts.length} hosts, loadConfig ${(performance.now() - started).toFixed(0)} ms\n`);
  }
}
