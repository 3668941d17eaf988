import { describe, expect, it } from 'vitest';
import { compareVersions } from '../support/fleet/tools/debian-version.ts';
import { dpkgOrder, hasDpkg, VERSION_PAIRS } from '../support/fleet/tools/debian-version-pairs.ts';
import { render } from '../support/fleet/tools/dpkg-query.ts';

/** The simulated apt orders versions as dpkg does; checked against dpkg itself where it exists. */
const sign = (n: number) => Math.sign(n);

describe('debian version order', () => {
  it('orders the usual suspects', () => {
    expect(compareVersions('1.0~rc1', '1.0')).toBeLessThan(0);
    expect(compareVersions('1:0.1', '9.9')).toBeGreaterThan(0);
    expect(compareVersions('2.36-9+deb12u10', '2.36-9+deb12u4')).toBeGreaterThan(0);
    expect(compareVersions('1.0-0', '1.0')).toBe(0);
  });

  it.skipIf(!hasDpkg)('agrees with dpkg --compare-versions', () => {
    for (const [a, b] of VERSION_PAIRS) {
      const order = dpkgOrder(a, b);
      expect([a, b, sign(compareVersions(a, b))]).toEqual([a, b, order]);
      expect(sign(compareVersions(b, a)) || 0).toBe(-order || 0);
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
