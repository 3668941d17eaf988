import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compareVersions } from '../support/fleet/tools/debian-version.ts';
import { render } from '../support/fleet/tools/dpkg-query.ts';

/** The simulated apt orders versions as dpkg does; checked against dpkg itself where it exists. */
const PAIRS: [string, string][] = [
  ['1.0', '1.0'],
  ['1.0~rc1', '1.0'],
  ['1.0', '1.0+b1'],
  ['1.0-1', '1.0-1~deb12u1'],
  ['3.0.11-1~deb12u2', '3.0.13-1~deb12u1'],
  ['1:2.0', '3.0'],
  ['2.36-9+deb12u4', '2.36-9+deb12u10'],
  ['1.22.1-9', '1.22.1-9+deb12u1'],
  ['5.2.15-2+b2', '5.2.15-2+b7'],
  ['2024a-0+deb12u1', '2025b-0+deb12u1'],
  ['1.0a', '1.0'],
  ['1.0.0', '1.0'],
  ['0.9', '0.10'],
  ['1.0~~', '1.0~'],
  ['1.0-0', '1.0'],
  ['7.88.1-10+deb12u5', '7.88.1-10+deb12u12'],
];

const sign = (n: number) => Math.sign(n);
const hasDpkg = spawnSync('dpkg', ['--version'], { stdio: 'ignore' }).status === 0;

describe('debian version order', () => {
  it('orders the usual suspects', () => {
    expect(compareVersions('1.0~rc1', '1.0')).toBeLessThan(0);
    expect(compareVersions('1:0.1', '9.9')).toBeGreaterThan(0);
    expect(compareVersions('2.36-9+deb12u10', '2.36-9+deb12u4')).toBeGreaterThan(0);
    expect(compareVersions('1.0-0', '1.0')).toBe(0);
  });

  it.skipIf(!hasDpkg)('agrees with dpkg --compare-versions', () => {
    for (const [a, b] of PAIRS) {
      const lt = spawnSync('dpkg', ['--compare-versions', a, 'lt', b]).status === 0;
      const eq = spawnSync('dpkg', ['--compare-versions', a, 'eq', b]).status === 0;
      expect([a, b, sign(compareVersions(a, b))]).toEqual([a, b, lt ? -1 : eq ? 0 : 1]);
      expect(sign(compareVersions(b, a))).toBe(lt ? 1 : eq ? 0 : -1);
    }
  });
});

describe('dpkg-query format', () => {
  it('renders the fields, escapes and widths the playbooks use', () => {
    expect(render('${db:Status-Abbrev} ${binary:Package}=${Version}\\n', 'libssl3:amd64', '3.0.11-1')).toBe('ii  libssl3:amd64=3.0.11-1\n');
    expect(render('${Package}\\t${Architecture}\\n', 'libssl3:amd64', '1')).toBe('libssl3\tamd64\n');
    expect(render('[${Package;-8}|${Version;5}]', 'bash', '5.2')).toBe('[bash    |  5.2]');
    expect(() => render('${Maintainer}', 'bash', '5.2')).toThrow(/does not implement field Maintainer/);
  });
});
