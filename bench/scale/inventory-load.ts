/**
 * `node --import tsx bench/scale/inventory-load.ts [hosts]`: how long loading a config whose
 * inventory.file has that many hosts takes, each load in a new process (as every CLI call is):
 * the YAML file on its first load (parsed, then cached), on later loads (read back from the
 * cache, inventory-cache.ts), the same inventory as JSON, and the config without the inventory
 * file (what commands that need no inventory load). Prints a JSON list of { file, phase, hosts, ms }.
 * `… inventory-load.ts --once <config> <with|without> <label>` is one such load.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.ts';
import { inventory } from './estate.ts';

if (process.argv[2] === '--once') {
  const [config, mode, label] = process.argv.slice(3);
  const started = performance.now();
  const loaded = await loadConfig({ files: [config!], env: { XDG_CACHE_HOME: join(config!, '..', 'cache') }, cwd: join(config!, '..'), inventoryFile: mode === 'with' });
  const ms = performance.now() - started;
  process.stdout.write(JSON.stringify({ phase: label, hosts: loaded.config.inventory.hosts.length, ms }));
} else {
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
  const loads: unknown[] = [];
  const once = (file: string, mode: 'with' | 'without', label: string) => {
    const config = join(dir, `${file}.patchbot.yaml`);
    writeFileSync(config, ['store: { url: "pglite://memory" }', `inventory: { file: ${join(dir, file)} }`].join('\n'));
    const out = execFileSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--once', config, mode, label], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    loads.push({ ...(JSON.parse(out) as object), file });
  };
  once('inventory.yaml', 'with', 'first load (parse, then cache)');
  for (let i = 0; i < 3; i++) once('inventory.yaml', 'with', 'from the cache');
  for (let i = 0; i < 3; i++) once('inventory.json', 'with', 'JSON file');
  for (let i = 0; i < 3; i++) once('inventory.yaml', 'without', 'config without the inventory file');
  process.stdout.write(JSON.stringify(loads));
}
