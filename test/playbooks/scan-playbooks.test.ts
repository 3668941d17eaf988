import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalExecutor } from '../../adapters/local/local-executor.ts';
import { parseAptScan } from '../../src/discovery/parsers/apt.ts';
import { scanContractFor } from '../../src/discovery/parsers/index.ts';
import { SECTION_MARKER } from '../../src/discovery/parsers/sections.ts';
import { Host, type OsFamily } from '../../src/inventory/host.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { playbookFor } from '../../src/playbooks/catalog.ts';
import { PlaybookChoiceError } from '../../src/playbooks/errors.ts';
import { loadPlaybooks, type PlaybookCatalog } from '../../src/playbooks/load-playbooks.ts';
import { scanRunner, scanStdout } from '../../src/playbooks/run-scan.ts';
import { runPlaybook } from '../../src/playbooks/run-playbook.ts';
import { SCAN_OUTPUT_BYTES } from '../../src/playbooks/run-types.ts';

const log = createLogger({ level: 'silent' });
const executor = new LocalExecutor();
let catalog: PlaybookCatalog;
beforeAll(async () => {
  catalog = await loadPlaybooks(join(import.meta.dirname, '..', '..', 'playbooks'));
});
afterAll(() => executor.close());

const isDebian = existsSync('/usr/bin/apt-get') && existsSync('/etc/debian_version');

describe('scan playbooks', () => {
  it.each<[OsFamily, string]>([
    ['debian', 'scan-debian'],
    ['ubuntu', 'scan-debian'],
    ['rhel', 'scan-rhel'],
    ['centos', 'scan-rhel'],
    ['rocky', 'scan-rhel'],
    ['alma', 'scan-rhel'],
    ['fedora', 'scan-rhel'],
    ['windows', 'scan-windows'],
  ])('the scan for %s is %s', (os, name) => {
    expect(playbookFor(catalog, 'scan', os).name).toBe(name);
  });

  it('says clearly when no playbook or several fit', () => {
    const only = { dir: '/pb', playbooks: new Map([...catalog.playbooks].filter(([n]) => n !== 'scan-windows')) };
    expect(() => playbookFor(only, 'scan', 'windows')).toThrow(PlaybookChoiceError);
    expect(() => playbookFor(only, 'scan', 'windows')).toThrow('No scan playbook in /pb runs on windows; scan playbooks there: scan-debian (debian, ubuntu); scan-rhel');
    const twice = { dir: '/pb', playbooks: new Map([...catalog.playbooks, ['scan-debian-2', { ...catalog.playbooks.get('scan-debian')!, name: 'scan-debian-2' }]]) };
    expect(() => playbookFor(twice, 'scan', 'ubuntu')).toThrow('2 scan playbooks in /pb run on ubuntu: scan-debian, scan-debian-2');
  });

  it.each<[OsFamily]>([['debian'], ['rhel'], ['windows']])('the %s scan prints every section its parser requires, in order', (os) => {
    const book = playbookFor(catalog, 'scan', os);
    const text = book.steps.map((s) => (s.kind === 'run' ? s.run : '')).join('\n');
    const markers = [...text.matchAll(/### patchbot:([a-z0-9-]+)/g)].map((m) => m[1]);
    const required = scanContractFor(os).sections;
    expect(markers.filter((m) => required.includes(m!))).toEqual([...required]);
    expect(markers.at(-1)).toBe('end');
  });

  it.runIf(isDebian)('scan-debian on this machine produces output the apt parser accepts', async () => {
    const host = Host.parse({ name: 'this-machine', address: '127.0.0.1', os: 'debian', connection: 'local' });
    const playbook = playbookFor(catalog, 'scan', 'debian');
    // refresh: false — the test must not depend on the network; dryRun: true — a scan runs anyway.
    const run = await runPlaybook({ executor, host, playbook, params: { refresh: false }, dryRun: true, log, maxOutputBytes: SCAN_OUTPUT_BYTES });
    expect(run.ok, JSON.stringify(run.steps.map((s) => [s.name, s.exitCode, s.stderrTail.slice(-500)]))).toBe(true);
    expect(run.executed).toBe(true);
    const stdout = scanStdout(run);
    expect(stdout.startsWith(`${SECTION_MARKER}os-release\n`)).toBe(true);
    const parsed = parseAptScan(host.name, stdout);
    expect(parsed.os).toMatch(/Debian|Ubuntu/);
    expect(parsed.warnings.filter((w) => /ignored/.test(w))).toEqual([]);
    for (const patch of parsed.patches) expect(patch.id).toMatch(/^deb:/);
  });

  it.runIf(isDebian)('scanRunner gives the discovery use case the raw stdout', async () => {
    const host = Host.parse({ name: 'this-machine', address: '127.0.0.1', os: 'ubuntu', connection: 'local' });
    const runScan = scanRunner({ executor, catalog, log, params: { refresh: false, unrelated: 'ignored' } });
    const { stdout, run } = await runScan(host);
    expect(run.playbook).toBe('scan-debian');
    expect(() => parseAptScan(host.name, stdout)).not.toThrow();
  });

  it('scanRunner turns a failed scan into an ExecutionError naming the step', async () => {
    const host = Host.parse({ name: 'this-machine', address: '127.0.0.1', os: 'debian', connection: 'local' });
    const broken = {
      dir: '/pb',
      playbooks: new Map([
        [
          'scan-broken',
          {
            ...catalog.playbooks.get('scan-debian')!,
            name: 'scan-broken',
            params: {},
            steps: [{ kind: 'run' as const, name: 'scan', run: 'echo apt exploded >&2; exit 100', timeoutMs: 5_000, retries: 0 }],
          },
        ],
      ]),
    };
    await expect(scanRunner({ executor, catalog: broken, log })(host)).rejects.toMatchObject({
      kind: 'command-failed',
      message: 'this-machine: scan-broken, step "scan": exited with 100: apt exploded',
    });
  });
});
