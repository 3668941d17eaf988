import { describe, expect, it } from 'vitest';
import { parseDnfScan } from './dnf.ts';
import { ScanParseError } from './scan-result.ts';
import { formatSections } from './sections.ts';

/**
 * The dnf scan's optional `installed` section (rpm -q on what check-update listed): what the host
 * runs of each package, so that a version dropping out of a later report can be told installed
 * from superseded. Advisories' packages and plain updates carry it alike.
 */
const OS = 'NAME="Red Hat Enterprise Linux"\nID="rhel"\nPRETTY_NAME="Red Hat Enterprise Linux 9.4 (Plow)"\n';
const CHECK = [
  'zlib.x86_64                 1.2.11-41.el9            rhel-9-baseos',
  'kernel.x86_64               5.14.0-427.20.1.el9_4    rhel-9-baseos',
  'openssl.x86_64              1:3.0.7-29.el9_4         rhel-9-baseos',
  'Obsoleting Packages',
  'newtool.x86_64              2.0-1.el9                rhel-9-baseos',
  '    oldtool.x86_64          1.0-1.el9                @System',
].join('\n');
const scan = (installed: string | null) =>
  formatSections([
    ['os-release', OS],
    ['updateinfo', 'RHSA-2024:3061 Important/Sec. openssl-1:3.0.7-29.el9_4.x86_64'],
    ['updateinfo-exit', '0'],
    ['check-update', CHECK],
    ['check-update-exit', '100'],
    ...(installed === null ? [] : ([['installed', installed]] as const)),
    ['needs-restarting', 'Reboot should not be necessary.'],
    ['needs-restarting-exit', '0'],
  ]);
const installedOf = (text: string | null) => new Map(parseDnfScan('db-02', scan(text)).patches.map((p) => [p.id, p.packages.map((k) => k.installed)]));

describe('the installed section of a dnf scan', () => {
  it('gives each package the version the host runs: epoch 0 dropped, the highest of an install-only package, none for a new one', () => {
    const rpmOutput = [
      'zlib.x86_64 0:1.2.11-40.el9',
      'kernel.x86_64 0:5.14.0-427.13.1.el9_4',
      'kernel.x86_64 0:5.14.0-427.16.1.el9_4',
      'kernel.x86_64 0:5.14.0-362.el9',
      'openssl.x86_64 1:3.0.7-27.el9',
      'package newtool.x86_64 is not installed',
    ].join('\n');
    expect(installedOf(rpmOutput)).toEqual(
      new Map([
        ['RHSA-2024:3061', ['1:3.0.7-27.el9']],
        ['rpm:zlib@1.2.11-41.el9', ['1.2.11-40.el9']],
        ['rpm:kernel@5.14.0-427.20.1.el9_4', ['5.14.0-427.16.1.el9_4']],
        ['rpm:newtool@2.0-1.el9', [null]],
      ]),
    );
  });

  it('leaves every version unknown when the scan has no such section (an older playbook)', () => {
    expect([...installedOf(null).values()].flat()).toEqual([null, null, null, null]);
  });

  it('refuses a line that is not `name.arch version`, naming it', () => {
    expect(() => installedOf('zlib.x86_64 0:1.2.11-40.el9\nzlib 1.2.11')).toThrow(ScanParseError);
    expect(() => installedOf('zlib.x86_64 0:1.2.11-40.el9\nzlib 1.2.11')).toThrow(/installed line \d+ is not `name\.arch \[epoch:\]version-release`: "zlib 1\.2\.11"/);
    expect(() => installedOf('zlib.x86_64 0:1.2.11-40.el9 extra')).toThrow(/installed line/);
  });
});
