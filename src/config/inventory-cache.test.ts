import { chmodSync, chownSync, mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFixtures, problemsOf } from '../../test/support/config-fixtures.ts';
import { loadConfig } from './load.ts';

const fixture = configFixtures();

const INVENTORY = [
  'hosts:',
  '  - { name: web-01, address: 10.0.0.1, os: debian, groups: [web] }',
  '  - { name: web-02, address: 10.0.0.2, os: debian, groups: [web] }',
  'groups:',
  '  - { name: web, production: true, selector: { os: [debian] } }',
].join('\n');

/** A config naming inventory.yaml, whose schedule targets a group defined only in that file. */
const setup = (inventory = INVENTORY) => {
  const dir = fixture({
    'patchbot.yaml': ['inventory: { file: inventory.yaml }', 'schedules:', "  proposals: [{ name: weekly, cron: '0 9 * * 2', patches: security, targets: [web], window: weeknights }]"].join(
      '\n',
    ),
    'inventory.yaml': inventory,
  });
  const cacheDir = join(dir, 'cache');
  const load = (inventoryFile?: boolean) => loadConfig({ files: ['patchbot.yaml'], env: {}, cwd: dir, cacheDir, ...(inventoryFile === undefined ? {} : { inventoryFile }) });
  return { dir, cacheDir, load };
};

describe('inventory file cache', () => {
  it('reads an unchanged YAML inventory back from the cache, and parses it again once its bytes change', async () => {
    const { dir, cacheDir, load } = setup();
    const first = await load();
    expect(first.config.inventory.hosts.map((h) => h.name)).toEqual(['web-01', 'web-02']);
    const [entry, ...others] = readdirSync(cacheDir);
    expect(others).toEqual([]);
    expect(JSON.parse(readFileSync(join(cacheDir, entry!), 'utf8'))).toMatchObject({ hosts: [{ name: 'web-01' }, { name: 'web-02' }] });

    // What the cache says is what a second load gets: the YAML is not parsed again.
    writeFileSync(
      join(cacheDir, entry!),
      JSON.stringify({ hosts: [{ name: 'from-cache', address: '10.9.9.9', os: 'debian', groups: ['web'] }], groups: [{ name: 'web', production: true, selector: { os: ['debian'] } }] }),
    );
    expect((await load()).config.inventory.hosts.map((h) => h.name)).toEqual(['from-cache']);

    // Any edit is a new key; the old entry is replaced, not kept beside it.
    writeFileSync(join(dir, 'inventory.yaml'), INVENTORY.replace('web-02', 'web-03'));
    expect((await load()).config.inventory.hosts.map((h) => h.name)).toEqual(['web-01', 'web-03']);
    expect(readdirSync(cacheDir)).toHaveLength(1);
    expect(readdirSync(cacheDir)[0]).not.toBe(entry);
  });

  it('still validates cached entries, and never caches a file that does not parse', async () => {
    const { cacheDir, load } = setup(`${INVENTORY}\n  - { name: web, production: true, selector: { os: [debian] } }`);
    expect(await problemsOf(load())).toEqual([expect.stringMatching(/^inventory\.file\(.*inventory\.yaml\)\.groups\.1\.name: duplicate group name "web"/)]);
    // The duplicate group is a schema problem, so the file parsed and is cached; loading again reports the same.
    expect(await problemsOf(load())).toEqual([expect.stringMatching(/duplicate group name "web"/)]);

    const broken = setup('hosts: [ { name: web-01');
    expect((await problemsOf(broken.load())).join('\n')).toMatch(/inventory\.yaml:\d+:\d+: /);
    expect(() => readdirSync(broken.cacheDir)).toThrow(/ENOENT/);
    expect(readdirSync(cacheDir)).toHaveLength(1);
  });

  it("reads no entry a stranger could have written: a directory or file others may write, someone else's, or a link", async () => {
    const { dir, cacheDir, load } = setup();
    await load();
    const [entry] = readdirSync(cacheDir);
    const planted = JSON.stringify({
      hosts: [{ name: 'planted', address: '203.0.113.9', os: 'debian', groups: ['web'] }],
      groups: [{ name: 'web', production: true, selector: { os: ['debian'] } }],
    });
    writeFileSync(join(cacheDir, entry!), planted);
    const names = async () => (await load()).config.inventory.hosts.map((h) => h.name);
    expect(await names()).toEqual(['planted']); // the cache is read while it is private

    chmodSync(join(cacheDir, entry!), 0o666);
    expect(await names()).toEqual(['web-01', 'web-02']);
    writeFileSync(join(cacheDir, entry!), planted, { mode: 0o600 });
    chmodSync(join(cacheDir, entry!), 0o600);
    chmodSync(cacheDir, 0o777);
    expect(await names()).toEqual(['web-01', 'web-02']);
    chmodSync(cacheDir, 0o700);
    writeFileSync(join(cacheDir, entry!), planted);
    expect(await names()).toEqual(['planted']);

    // Someone else's file in our directory (only root can make one here).
    if (process.getuid?.() === 0) {
      chownSync(join(cacheDir, entry!), 65534, 65534);
      expect(await names()).toEqual(['web-01', 'web-02']);
      chownSync(join(cacheDir, entry!), 0, 0);
    } else process.stdout.write('inventory cache: the other-owner case needs root to chown; checked by mode only\n');

    // The directory replaced by a link to one holding a planted entry.
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o700 });
    writeFileSync(join(elsewhere, entry!), planted, { mode: 0o600 });
    renameSync(cacheDir, join(dir, 'moved'));
    symlinkSync(elsewhere, cacheDir);
    expect(await names()).toEqual(['web-01', 'web-02']);
  });

  it('leaves the file out when asked (inventoryFile: false): not read, and references into it not checked', async () => {
    const { dir, load } = setup();
    writeFileSync(join(dir, 'inventory.yaml'), 'hosts: [ { name: broken');
    const { config, sources } = await load(false);
    expect(config.inventory.hosts.map((h) => h.name)).toEqual([]);
    expect(config.schedules.proposals.map((p) => p.targets)).toEqual([['web']]);
    expect(sources.some((s) => s.endsWith('inventory.yaml'))).toBe(false);
    expect((await problemsOf(load())).join('\n')).toMatch(/inventory\.yaml:\d+:\d+: /);
  });
});
