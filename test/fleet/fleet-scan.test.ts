import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../adapters/postgres/open-store.ts';
import { cli } from '../support/cli.ts';
import { type Fleet, startFleet } from '../support/fleet/index.ts';
import { TEST_SERVER_TOKEN } from '../support/server-token.ts';
import { sshdSkipReason } from '../support/sshd.ts';
import { expectedMissing, FLEET_HOSTS, specOf } from './fleet-hosts.ts';

/**
 * `patchbot scan` (the real CLI, its SSH executor and the shipped scan-debian) against a fleet
 * whose hosts miss different updates: the findings stored per host are that host's candidates,
 * security flagged exactly for the `-security` suites.
 */
const skip = sshdSkipReason();

describe.skipIf(skip !== null)('patchbot scan over a simulated fleet', () => {
  let fleet: Fleet;
  let dir: string;
  beforeAll(async () => {
    fleet = await startFleet({ hosts: FLEET_HOSTS });
    dir = mkdtempSync(join(tmpdir(), 'patchbot-fleet-scan-'));
  });
  afterAll(async () => {
    await fleet?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('stores each host its own missing packages, security from the suite, and reboot verdicts per host', async () => {
    const config = join(dir, 'patchbot.yaml');
    writeFileSync(
      config,
      [`store: { url: 'pglite://${dir}/data' }`, 'log: { level: warn }', fleet.inventoryYaml({ 'web-01': ['web'], 'web-02': ['web'], 'web-03': ['web'], 'db-01': ['db'] })].join('\n'),
    );

    const result = await cli(['scan', '--config', config]);
    expect(result.stdout, result.stderr).toMatch(/Scanned 4 hosts \(all hosts\) in [\d.]+ s \(scan-[\w-]+\): 4 ok, 0 unreachable, 0 failed\./);
    expect(result.stdout).toMatch(/^9 missing patches across 4 hosts; 7 newly discovered patches\.$/m);
    expect(result.code).toBe(0);

    const { store } = await openStore(`pglite://${dir}/data`);
    try {
      for (const host of FLEET_HOSTS) {
        const missing = (await store.findings.byHost(host.name))
          .filter((f) => f.state === 'missing')
          .map((f) => f.patchId)
          .sort();
        expect(missing, host.name).toEqual(expectedMissing(host));
      }
      const security = async (id: string) => (await store.patches.get(id))?.security;
      expect(await security('deb:openssl@3.0.13-1~deb12u1')).toBe(true);
      expect(await security('deb:nginx@1.22.1-9+deb12u1')).toBe(true);
      expect(await security('deb:tzdata@2025b-0+deb12u1')).toBe(false);
      expect(await security('deb:bash@5.2.15-2+b7')).toBe(false);

      const latest = new Map((await store.scans.latestPerHost()).map((s) => [s.host, s]));
      expect(latest.get('web-01')).toMatchObject({ outcome: 'ok', osName: 'Debian GNU/Linux 12 (bookworm)', rebootRequired: null });
      // db-01 has needrestart, which says the running kernel is current: a definite "no".
      expect(latest.get('db-01')).toMatchObject({ outcome: 'ok', rebootRequired: false });
    } finally {
      await store.close();
    }
    // The scan refreshed the lists (as root) on each host and simulated there: nothing was installed.
    expect(fleet.toolCalls('web-02').map((c) => [c.tool, ...c.args].join(' '))).toEqual(['apt-get update -qq', 'apt-get -s -o Debug::NoLocking=1 dist-upgrade']);
    expect(fleet.installed('web-02')).toEqual(specOf('web-02').installed);
  });

  it('inventoryYaml is a config fragment patchbot accepts: groups, production flags, execution keys', async () => {
    const config = join(dir, 'rollout.yaml');
    const fragment = fleet.inventoryYaml({ 'web-01': ['pilot'], 'web-02': ['prod'], 'web-03': ['prod'] }, { productionGroups: ['prod'], execution: { dryRun: false } });
    // A server token: real execution (dryRun: false) is refused in demo mode.
    writeFileSync(config, [`server: { token: ${TEST_SERVER_TOKEN} }`, `store: { url: 'pglite://${dir}/data' }`, 'log: { level: warn }', fragment].join('\n'));
    const result = await cli(['config', 'check', '--config', config]);
    expect(result.code, `${result.stdout}${result.stderr}`).toBe(0);
    expect(fragment).toContain('production: true');
    expect(fragment).toContain('dryRun: false');
    expect(() => fleet.inventoryYaml({ 'web-99': ['x'] })).toThrow(/no fleet host named web-99/);
  });

  it('sees a candidate the mirror publishes after the first scan', async () => {
    fleet.setCandidate('web-02', 'tzdata', { version: '2025b-0+deb12u1', suite: 'bookworm-updates' });
    const config = join(dir, 'patchbot.yaml');
    const result = await cli(['scan', '--host', 'web-02', '--config', config]);
    expect(result.code, result.stdout).toBe(0);
    const { store } = await openStore(`pglite://${dir}/data`);
    try {
      const missing = (await store.findings.byHost('web-02')).filter((f) => f.state === 'missing').map((f) => f.patchId);
      expect(missing).toContain('deb:tzdata@2025b-0+deb12u1');
    } finally {
      await store.close();
    }
  });
});

if (skip) console.warn(`[skip] patchbot scan over a simulated fleet: ${skip}`);
