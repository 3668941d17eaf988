import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PatchId } from '../patch.ts';
import { parseDnfScan } from './dnf.ts';
import { ScanParseError } from './scan-result.ts';
import { formatSections } from './sections.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../../../test/fixtures/scans', name));
const OS = 'NAME="Red Hat Enterprise Linux"\nID="rhel"\nPRETTY_NAME="Red Hat Enterprise Linux 9.4 (Plow)"\n';
interface Scan {
  updateinfo?: string;
  updateinfoExit?: string;
  check?: string;
  exit?: string;
  restart?: string;
  restartExit?: string;
  cves?: string;
  cvesExit?: string | null;
}
const scan = (o: Scan) =>
  formatSections([
    ['os-release', OS],
    ['updateinfo', o.updateinfo ?? ''],
    ['updateinfo-exit', o.updateinfoExit ?? '0'],
    ...(o.cves === undefined ? [] : ([['updateinfo-cves', o.cves]] as const)),
    ...(o.cves === undefined || o.cvesExit === null ? [] : ([['updateinfo-cves-exit', o.cvesExit ?? '0']] as const)),
    ['check-update', o.check ?? ''],
    ['check-update-exit', o.exit ?? (o.check ? '100' : '0')],
    ['needs-restarting', o.restart ?? 'No core libraries or services have been updated since boot-up.\nReboot should not be necessary.'],
    ['needs-restarting-exit', o.restartExit ?? '0'],
  ]);

describe('parseDnfScan on the RHEL 9 fixture (built from the documented format)', () => {
  const result = parseDnfScan('db-02', fixture('rhel9-scan.txt'));
  const byId = new Map(result.patches.map((p) => [p.id, p]));

  it("groups an advisory's packages into one patch, with its CVEs", () => {
    expect(result.os).toBe('Red Hat Enterprise Linux 9.4 (Plow)');
    expect(result.patches.map((p) => p.id)).toEqual([
      'RHSA-2024:3138',
      'RHSA-2024:3339',
      'RHEA-2024:2500',
      'RHSA-2024:3344',
      'RHSA-2024:2962',
      'RHBA-2024:3316',
      'rpm:python3-dnf-plugin-post-transaction-actions@4.3.0-13.el9',
      'rpm:vim-minimal@2:8.2.2637-20.el9_1',
    ]);
    expect(byId.get('RHSA-2024:3339')).toMatchObject({
      title: 'RHSA-2024:3339: Important security update',
      severity: 'important',
      security: true,
      rebootHint: true,
      cves: ['CVE-2024-2961', 'CVE-2024-33599'],
    });
    expect(byId.get('RHSA-2024:3339')?.packages.map((p) => `${p.name}.${p.arch}`)).toEqual(['glibc.x86_64', 'glibc-common.x86_64', 'glibc-langpack-en.x86_64']);
    expect(result.patches.every((p) => PatchId.safeParse(p.id).success)).toBe(true);
  });

  it('maps each dnf severity label', () => {
    expect([...byId.values()].map((p) => [p.id, p.severity, p.security])).toEqual([
      ['RHSA-2024:3138', 'moderate', true],
      ['RHSA-2024:3339', 'important', true],
      ['RHEA-2024:2500', 'low', false],
      ['RHSA-2024:3344', 'critical', true],
      ['RHSA-2024:2962', 'low', true],
      ['RHBA-2024:3316', 'low', false],
      ['rpm:python3-dnf-plugin-post-transaction-actions@4.3.0-13.el9', 'low', false],
      ['rpm:vim-minimal@2:8.2.2637-20.el9_1', 'low', false],
    ]);
  });

  it('keeps epochs in candidate versions and ids, and reads a row dnf wrapped onto two lines', () => {
    expect(byId.get('RHSA-2024:3138')?.packages).toEqual([
      { name: 'bind-libs', arch: 'x86_64', installed: null, candidate: '32:9.16.23-18.el9_4.1' },
      { name: 'bind-license', arch: 'noarch', installed: null, candidate: '32:9.16.23-18.el9_4.1' },
    ]);
    expect(byId.get('rpm:python3-dnf-plugin-post-transaction-actions@4.3.0-13.el9')?.packages[0]?.arch).toBe('noarch');
  });

  it('hints at a reboot for kernel and glibc, and reads needs-restarting', () => {
    expect(result.patches.filter((p) => p.rebootHint).map((p) => p.id)).toEqual(['RHSA-2024:3339', 'RHSA-2024:3344']);
    expect(result.rebootRequired).toBe(true);
    expect(result.warnings).toEqual([]);
  });
});

describe('parseDnfScan on real dnf 4.14.0 output (captured by test/real-hosts/rhel-dnf.test.ts)', () => {
  const result = parseDnfScan('rhel-01', fixture('rhel9-dnf-4.14.0-scan.txt'));

  it('reads every advisory and plain update real dnf printed, epochs and the Obsoleting Packages section included', () => {
    expect(result.patches.map((p) => [p.id, p.severity, p.security, p.packages.map((q) => `${q.name}.${q.arch}@${q.candidate}`).join(' ')])).toEqual([
      ['RHSA-2024:4051', 'critical', true, 'curl.x86_64@7.76.1-29.el9_4.1'],
      ['RHSA-2024:3618', 'moderate', true, 'kernel-core.x86_64@5.14.0-427.20.1.el9_4'],
      ['RHSA-2024:3061', 'important', true, 'openssl.x86_64@1:3.0.7-28.el9_4 openssl-libs.x86_64@1:3.0.7-28.el9_4'],
      ['RHSA-2024:3850', 'low', true, 'sudo.x86_64@1.9.5p2-10.el9_4.1'],
      ['RHBA-2024:4712', 'low', false, 'tzdata.x86_64@2024b-2.el9'],
      ['rpm:zlib@1.2.11-41.el9', 'low', false, 'zlib.x86_64@1.2.11-41.el9'],
      // The obsoleting package, not the installed one it replaces (the indented row).
      ['rpm:newtool@2.0-1.el9', 'low', false, 'newtool.x86_64@2.0-1.el9'],
    ]);
    expect(result.patches.find((p) => p.id === 'RHSA-2024:3061')?.cves).toEqual(['CVE-2024-0727', 'CVE-2023-6129']);
  });

  it('reads "Reboot should not be necessary" (exit 0) as no reboot pending, with no warnings', () => {
    expect(result.rebootRequired).toBe(false);
    expect(result.warnings).toEqual([]);
  });
});

describe('parseDnfScan on the Rocky 9 fixture', () => {
  const result = parseDnfScan('db-03', fixture('rocky9-scan.txt'));

  it('lists packages of an advisory PatchId does not know as plain rpm updates, and says so', () => {
    expect(result.patches.map((p) => [p.id, p.severity, p.security])).toEqual([
      ['RLSA-2024:3339', 'important', true],
      ['rpm:NetworkManager@1:1.46.0-8.el9_4', 'low', false],
    ]);
    expect(result.warnings[0]).toBe('advisory RLBA-2024:2555 is not a known patch id; its packages are listed as plain rpm updates');
  });

  it('says "unknown" when needs-restarting exits 1 without saying a reboot is required', () => {
    expect(result.rebootRequired).toBeNull();
    expect(result.warnings[1]).toBe('whether a reboot is pending is unknown: dnf needs-restarting -r exited 1');
  });
});

describe('parseDnfScan details', () => {
  it('returns nothing missing for a clean host (exit 0, empty lists)', () => {
    expect(parseDnfScan('h', scan({}))).toMatchObject({ patches: [], rebootRequired: false, warnings: [] });
  });

  it('skips the installed packages listed under "Obsoleting Packages"', () => {
    const check = '\nfoo.x86_64   2.0-1.el9   baseos\nObsoleting Packages\nfoo-ng.x86_64   3.0-1.el9   baseos\n    foo-old.x86_64   1.0-1.el9   @System\n';
    expect(parseDnfScan('h', scan({ check })).patches.map((p) => p.id)).toEqual(['rpm:foo@2.0-1.el9', 'rpm:foo-ng@3.0-1.el9']);
  });

  it('makes one plain patch for both architectures of a package, and accepts rpm caret versions', () => {
    const check = 'glibc.x86_64  2.34-100.el9  baseos\nglibc.i686  2.34-100.el9  baseos\nfoo.noarch  1.0^20240101git1a2b3c-1.fc40  updates\n';
    const ids = parseDnfScan('h', scan({ check })).patches.map((p) => [p.id, p.packages.length]);
    expect(ids).toEqual([
      ['rpm:glibc@2.34-100.el9', 2],
      ['rpm:foo@1.0^20240101git1a2b3c-1.fc40', 1],
    ]);
  });

  it('titles an advisory by what it is on every host, not by the packages of it this host has', () => {
    // dnf lists an advisory's packages the host has installed: a host without glibc-common names one fewer.
    const lines = ['RHSA-2024:3339 Important/Sec. glibc-2.34-100.el9_4.2.x86_64', 'RHSA-2024:3339 Important/Sec. glibc-common-2.34-100.el9_4.2.x86_64'];
    const offered = ['glibc.x86_64 2.34-100.el9_4.2 baseos', 'glibc-common.x86_64 2.34-100.el9_4.2 baseos'];
    const titleOn = (n: number) =>
      parseDnfScan('h', scan({ updateinfo: `${lines.slice(0, n).join('\n')}\n`, check: `${offered.slice(0, n).join('\n')}\n` })).patches.map((p) => [p.id, p.title]);
    expect([titleOn(1), titleOn(2)]).toEqual([[['RHSA-2024:3339', 'RHSA-2024:3339: Important security update']], [['RHSA-2024:3339', 'RHSA-2024:3339: Important security update']]]);
  });

  it('warns when an advisory fixes a package check-update does not offer, and about unmatched CVEs', () => {
    const result = parseDnfScan(
      'h',
      scan({ updateinfo: 'RHSA-2024:1 Low/Sec. less-590-4.el9.x86_64\n', cves: 'CVE-2024-9999 Low/Sec. zip-1-1.el9.x86_64\n', check: 'zip.x86_64 1-1.el9 baseos\n' }),
    );
    expect(result.warnings).toEqual([
      'CVE-2024-9999 (zip-1-1.el9.x86_64) matches no advisory in the updateinfo section',
      'RHSA-2024:1 fixes less.x86_64, which check-update does not offer (excluded or version-locked?)',
    ]);
  });

  it.each([
    [{ check: 'a.x86_64 1-1 r\n', exit: '1' }, 'dnf check-update failed (exit 1)'],
    [{ check: '', exit: '100' }, 'exited 100 (updates available) but its section lists no packages'],
    [{ check: 'a.x86_64 1-1 r\n', exit: '0' }, 'exited 0 (no updates) but its section lists 1 packages'],
    [{ exit: '7' }, 'dnf check-update exited 7'],
    [{ exit: 'yes' }, 'the check-update-exit section should hold one exit code'],
    [{ updateinfo: 'RHSA-2024:1 Low/Sec. less-590-4.el9.x86_64\n', updateinfoExit: '124' }, 'dnf updateinfo exited 124, so its list may be incomplete'],
    [{ cves: '', cvesExit: '1' }, 'dnf updateinfo --with-cve exited 1'],
    [{ cves: '', cvesExit: null }, 'has `### patchbot:updateinfo-cves` but no `### patchbot:updateinfo-cves-exit` section'],
  ] satisfies Array<[Scan, string]>)('refuses failed or inconsistent dnf results: %j', (o, message) => {
    expect(() => parseDnfScan('db-02', scan(o))).toThrow(ScanParseError);
    expect(() => parseDnfScan('db-02', scan(o))).toThrow(message);
  });
});
