import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PatchId } from '../patch.ts';
import { parseAptScan } from './apt.ts';
import { formatSections } from './sections.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../../../test/fixtures/scans', name));
const DEBIAN_OS = fixture('debian12-os-release.txt').toString();
const scan = (apt: string, reboot = 'not-required\nNEEDRESTART-KSTA: 1', os = DEBIAN_OS) =>
  formatSections([
    ['os-release', os],
    ['apt-simulate', apt],
    ['reboot', reboot],
  ]);

describe('parseAptScan on output captured from a Debian 12 host', () => {
  const raw = fixture('debian12-scan.txt');
  const result = parseAptScan('web-01', raw);
  // An independent count: the lines themselves and apt's own summary.
  const text = raw.toString();
  const instLines = text.split('\n').filter((l) => l.startsWith('Inst '));
  const summary = /^(\d+) upgraded, (\d+) newly installed/m.exec(text)!;

  it('finds one patch per Inst line, as many as apt announces', () => {
    expect(instLines).toHaveLength(135);
    expect(Number(summary[1]) + Number(summary[2])).toBe(135);
    expect(result.patches.flatMap((p) => p.packages)).toHaveLength(instLines.length);
    expect(result.patches).toHaveLength(new Set(instLines.map((l) => l.split(' ')[1])).size);
  });

  it('flags exactly the updates from the security archive', () => {
    const fromSecurity = instLines.filter((l) => l.includes('Debian-Security:')).length;
    expect(fromSecurity).toBe(81);
    expect(result.patches.filter((p) => p.security)).toHaveLength(fromSecurity);
    expect(result.patches.filter((p) => p.security).every((p) => p.severity === 'important')).toBe(true);
    expect(result.patches.filter((p) => !p.security).every((p) => p.severity === 'low')).toBe(true);
  });

  it('builds canonical ids that PatchId accepts, epochs, tildes and pluses included', () => {
    expect(result.patches.filter((p) => !PatchId.safeParse(p.id).success)).toEqual([]);
    const byId = new Map(result.patches.map((p) => [p.id, p]));
    expect(byId.get('deb:bash@5.2.15-2+b13')).toMatchObject({
      title: 'bash → 5.2.15-2+b13',
      security: false,
      severity: 'low',
      rebootHint: false,
      packages: [{ name: 'bash', arch: 'amd64', installed: '5.2.15-2+b8', candidate: '5.2.15-2+b13' }],
    });
    expect(byId.get('deb:openssl@3.0.22-1~deb12u2')).toMatchObject({ security: true, severity: 'important' });
    expect(byId.get('deb:passwd@1:4.13+dfsg1-1+deb12u2')?.packages[0]?.installed).toBe('1:4.13+dfsg1-1+deb12u1');
    // Origins list the point release and the security archive: still security.
    expect(byId.get('deb:libgcrypt20@1.10.1-3+deb12u1')?.security).toBe(true);
    // Lines carrying apt's trailing `[pkg:arch ]` groups parse like the others.
    expect(byId.get('deb:libpam-modules-bin@1.5.2-6+deb12u2')).toBeDefined();
  });

  it('hints at a reboot for systemd, not for kernel headers or perf', () => {
    expect(
      result.patches
        .filter((p) => p.rebootHint)
        .map((p) => p.id)
        .sort(),
    ).toEqual(['deb:libsystemd-shared@252.39-1~deb12u2', 'deb:libsystemd0@252.39-1~deb12u2', 'deb:systemd-sysv@252.39-1~deb12u2', 'deb:systemd@252.39-1~deb12u2']);
  });

  it('says "unknown" for the reboot on Debian without needrestart, and why', () => {
    expect(result.os).toBe('Debian GNU/Linux 12 (bookworm)');
    expect(result.host).toBe('web-01');
    expect(result.installed).toEqual([]);
    expect(result.rebootRequired).toBeNull();
    expect(result.warnings).toEqual([expect.stringMatching(/reboot is pending is unknown: .*needrestart is not installed/)]);
  });

  it('parses the earlier capture too (5 packages half-configured, so more Conf than Inst lines)', () => {
    const earlier = parseAptScan('web-01', scan(fixture('debian12-apt-simulate.txt').toString()));
    expect(earlier.patches.flatMap((p) => p.packages)).toHaveLength(135);
    expect(earlier.rebootRequired).toBe(false);
  });
});

describe('parseAptScan on the Ubuntu 22.04 fixture (built from the documented format)', () => {
  const result = parseAptScan('app-02', fixture('ubuntu2204-scan.txt'));
  const byId = new Map(result.patches.map((p) => [p.id, p]));

  it('groups the two architectures of libc6 and counts new kernel packages', () => {
    expect(result.os).toBe('Ubuntu 22.04.4 LTS');
    expect(result.patches).toHaveLength(15);
    expect(byId.get('deb:libc6@2.35-0ubuntu3.7')?.packages.map((p) => p.arch)).toEqual(['amd64', 'i386']);
    expect(byId.get('deb:linux-image-5.15.0-105-generic@5.15.0-105.115')).toMatchObject({
      title: 'linux-image-5.15.0-105-generic → 5.15.0-105.115',
      security: true,
      rebootHint: true,
      packages: [{ installed: null, candidate: '5.15.0-105.115' }],
    });
  });

  it('reads -security suites as security and -updates alone as not', () => {
    expect(byId.get('deb:tzdata@2024a-0ubuntu0.22.04.1')).toMatchObject({ security: false, severity: 'low' });
    expect(byId.get('deb:libnss3@2:3.98-0ubuntu0.22.04.2')?.security).toBe(false);
    expect(byId.get('deb:curl@7.81.0-1ubuntu1.16')).toMatchObject({ security: true, severity: 'important' });
    expect(result.patches.filter((p) => p.security)).toHaveLength(13);
  });

  it('trusts /var/run/reboot-required on Ubuntu and reports held-back packages', () => {
    expect(result.rebootRequired).toBe(true);
    expect(result.warnings).toEqual(['2 packages are held back (kept back or phased) and not listed as missing']);
  });
});

describe('parseAptScan details', () => {
  const inst = 'Inst bash [5.2.15-2+b8] (5.2.15-2+b13 Debian:12.15/oldstable [amd64])';

  it('accepts apt 3 summaries and counts reinstalls and downgrades as Inst lines', () => {
    const apt3 = `Summary:\n  Upgrading: 1, Installing: 0, Reinstalling: 1, Removing: 1, Not Upgrading: 0\n${inst}\nInst zip [3.0-13] (3.0-13 Debian:13/stable [amd64])\nRemv foo [1.0]\n`;
    const result = parseAptScan('h', scan(apt3));
    expect(result.patches.map((p) => p.id)).toEqual(['deb:bash@5.2.15-2+b13', 'deb:zip@3.0-13']);
    expect(result.warnings).toEqual(['dist-upgrade would remove 1 packages']);
  });

  it('titles a version by what every host that misses it shares: package and candidate, not what this host runs', () => {
    // The catalog keeps one title per patch for every host (catalog-merge.ts): the version one host
    // runs, or that it has none yet, is that host's fact.
    const titleOn = (line: string) => parseAptScan('h', scan(`1 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n${line}\n`)).patches.map((p) => [p.id, p.title]);
    const runs = (installed: string) => inst.replace('[5.2.15-2+b8]', `[${installed}]`);
    const titles = [titleOn(inst), titleOn(runs('5.2.15-2')), titleOn(runs('5.1-6'))];
    const fresh = parseAptScan('h', scan(`0 upgraded, 1 newly installed, 0 to remove and 0 not upgraded.\nInst bash (5.2.15-2+b13 Debian:12.15/oldstable [amd64])\n`));
    expect([...titles, fresh.patches.map((p) => [p.id, p.title])]).toEqual(Array.from({ length: 4 }, () => [['deb:bash@5.2.15-2+b13', 'bash → 5.2.15-2+b13']]));
  });

  it('returns no patches, and no warnings, for an up-to-date host', () => {
    const result = parseAptScan('h', scan('Reading package lists...\nCalculating upgrade...\n0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n'));
    expect(result).toMatchObject({ patches: [], rebootRequired: false, warnings: [] });
  });

  it.each([
    ['required', true],
    ['not-required\nNEEDRESTART-VER: 3.6\nNEEDRESTART-KSTA: 3', true],
    ['not-required\nNEEDRESTART-KSTA: 2\nNEEDRESTART-SVC: ssh.service', true],
    ['not-required\nNEEDRESTART-KCUR: 6.1.0-18-amd64\nNEEDRESTART-KSTA: 1', false],
    ['not-required\nNEEDRESTART-KSTA: 0', null],
    ['not-required', null],
  ])('reboot section %j → %s', (reboot, expected) => {
    expect(parseAptScan('h', scan(`1 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n${inst}\n`, reboot)).rebootRequired).toBe(expected);
  });

  it('warns when os-release names another OS', () => {
    const result = parseAptScan('h', scan('0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n', 'required', 'ID=rhel\nPRETTY_NAME="RHEL 9"\n'));
    expect(result.warnings).toEqual(['os-release says RHEL 9, which is not Debian or Ubuntu']);
  });
});
