import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../adapters/postgres/open-store.ts';
import { cli } from './support/cli.ts';
import { freePort } from './support/postgres-cluster.ts';
import { type Sshd, sshdSkipReason, startSshd } from './support/sshd.ts';

/**
 * `patchbot scan` against hosts behind a real OpenSSH sshd on loopback: the findings it stores
 * must equal what `apt-get -s dist-upgrade` says about this machine, and unreachable or
 * impostor hosts are recorded as such without stopping the others.
 */

const aptSaysMissing = (): string[] => {
  const out = execFileSync('apt-get', ['-s', '-o', 'Debug::NoLocking=1', 'dist-upgrade'], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  const ids = [...out.matchAll(/^Inst (\S+) (?:\[[^\]]*\] )?\((\S+) /gm)].map((m) => `deb:${m[1]!.split(':')[0]}@${m[2]}`);
  return [...new Set(ids)].sort();
};

const skip = sshdSkipReason() ?? (process.platform === 'linux' && execFileSync('sh', ['-c', 'command -v apt-get || true'], { encoding: 'utf8' }).trim() ? null : 'apt-get not available');

describe.skipIf(skip !== null)('discovery over real SSH', () => {
  let sshd: Sshd;
  let dir: string;
  beforeAll(async () => {
    sshd = await startSshd();
    dir = mkdtempSync(join(tmpdir(), 'patchbot-disc-'));
  });
  afterAll(async () => sshd?.stop());

  it('stores findings equal to apt-get -s dist-upgrade, and records an unreachable host without stopping the others', async () => {
    const closedPort = await freePort();
    const host = (name: string, port: number, address = sshd.host) =>
      `    - { name: ${name}, address: ${address}, port: ${port}, user: ${sshd.user}, os: debian, groups: [web], tags: { cluster: ${name} } }`;
    const config = join(dir, 'patchbot.yaml');
    writeFileSync(
      config,
      [
        'store:',
        `  url: pglite://${dir}/data`,
        'log: { level: warn }',
        'inventory:',
        '  hosts:',
        host('web-01', sshd.port),
        host('web-02', sshd.port),
        host('web-03', closedPort),
        '  groups:',
        '    - { name: web, selector: { os: [debian] } }',
        'execution:',
        '  ssh:',
        `    privateKeyPath: ${sshd.clientKeyPath}`,
        `    knownHostsPath: ${sshd.knownHostsPath}`,
      ].join('\n'),
    );

    const result = await cli(['scan', 'web', '--config', config]);
    expect(result.stdout).toMatch(/Scanned 3 hosts \(web\) in [\d.]+ s \(scan-[\w-]+\): 2 ok, 1 unreachable, 0 failed\./);
    expect(result.stdout).toMatch(/web-03 {2}unreachable: web-03/);
    expect(result.code).toBe(1);

    const expected = aptSaysMissing();
    const { store } = await openStore(`pglite://${dir}/data`);
    try {
      for (const name of ['web-01', 'web-02']) {
        const missing = (await store.findings.byHost(name))
          .filter((f) => f.state === 'missing')
          .map((f) => f.patchId)
          .sort();
        expect(missing).toEqual(expected);
      }
      expect(await store.findings.byHost('web-03')).toEqual([]);
      const latest = await store.scans.latestPerHost();
      expect(latest.map((s) => [s.host, s.outcome])).toEqual([
        ['web-01', 'ok'],
        ['web-02', 'ok'],
        ['web-03', 'unreachable'],
      ]);
      expect(latest[0]?.osName).toMatch(/Debian/);
    } finally {
      await store.close();
    }
  });

  it('refuses a host whose key does not match known_hosts, naming the host', async () => {
    const config = join(dir, 'impostor.yaml');
    const knownHosts = join(dir, 'known_hosts_wrong');
    const otherKey = execFileSync('sh', ['-c', `ssh-keygen -q -t ed25519 -N '' -f ${dir}/wrong && cat ${dir}/wrong.pub`], { encoding: 'utf8' })
      .trim()
      .split(' ');
    writeFileSync(knownHosts, `[${sshd.host}]:${sshd.port} ${otherKey[0]} ${otherKey[1]}\n`);
    writeFileSync(
      config,
      [
        `store: { url: 'pglite://${dir}/data2' }`,
        'log: { level: warn }',
        'inventory:',
        '  hosts:',
        `    - { name: impostor, address: ${sshd.host}, port: ${sshd.port}, user: ${sshd.user}, os: debian }`,
        'execution:',
        `  ssh: { privateKeyPath: ${sshd.clientKeyPath}, knownHostsPath: ${knownHosts} }`,
      ].join('\n'),
    );
    const result = await cli(['scan', '--host', 'impostor', '--config', config]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/impostor {2}unreachable: impostor: .*presented host key SHA256:\S+, but known_hosts records .*refusing to connect/);
  });
});

if (skip) console.warn(`[skip] discovery over real SSH: ${skip}`);
