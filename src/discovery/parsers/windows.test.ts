import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScanParseError } from './scan-result.ts';
import { formatSections } from './sections.ts';
import { rebootCommands } from '../../playbooks/host-signals.ts';
import { parseWindowsScan } from './windows.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../../../test/fixtures/scans', name));
const doc = (over: Record<string, unknown> = {}) => JSON.stringify({ os: 'Microsoft Windows Server 2022 Standard 10.0.20348', installed: [], missing: [], rebootPending: false, ...over });
const scan = (json: string) => formatSections([['windows-json', json]]);
const update = (over: Record<string, unknown> = {}) => ({ Title: 'Some update (KB5034129)', KB: ['KB5034129'], Severity: 'Important', RebootRequired: false, ...over });

describe('parseWindowsScan on the samples Microsoft documents (never run on a real Windows host)', () => {
  const result = parseWindowsScan('win-doc', fixture('windows-msdocs-scan.txt'));

  it("lists as installed exactly the HotFixIDs of Get-HotFix's documented example output", () => {
    // The table learn.microsoft.com shows for `Get-HotFix` (Example 1); the scan keeps only HotFixID.
    const table = fixture('windows-msdocs-get-hotfix.txt').toString('utf8').split('\r\n').filter(Boolean);
    expect(table[0]!.split(/\s{2,}/)).toEqual(['Source', 'Description', 'HotFixID', 'InstalledBy', 'InstalledOn']);
    const start = table[0]!.indexOf('HotFixID');
    const documented = table.slice(2).map((row) => row.slice(start).split(/\s+/)[0]);
    expect(result.installed).toEqual(documented);
    expect(documented).toEqual(['KB4495590', 'KB4470788', 'KB4480056']);
  });

  it('maps each MsrcSeverity term IUpdate documents (and the empty rating of an unrated update)', () => {
    expect(result.patches.map((p) => [p.id, p.severity, p.security, p.rebootHint])).toEqual([
      ['KB4494441', 'critical', true, true],
      ['KB4497932', 'important', true, false],
      ['KB4499728', 'low', true, false],
      ['KB890830', 'unknown', false, false],
    ]);
    expect(result.rebootRequired).toBe(true);
    expect(result.warnings).toEqual([]);
  });

  it('checks the pending-reboot registry keys Microsoft documents, in the scan and in the reboot step', () => {
    const playbook = readFileSync(join(import.meta.dirname, '../../../playbooks/scan-windows.yaml'), 'utf8');
    const check = rebootCommands('windows').check.text;
    for (const key of [
      'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired',
      'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending',
      "HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Session Manager' -Name PendingFileRenameOperations",
      'Microsoft.Update.SystemInfo).RebootRequired',
    ]) {
      expect(playbook).toContain(key);
      expect(check).toContain(key);
    }
  });
});

describe('parseWindowsScan on the Server 2022 fixture (BOM, CRLF, CLIXML before the sections)', () => {
  const result = parseWindowsScan('win-03', fixture('windows2022-scan.txt'));
  const byId = new Map(result.patches.map((p) => [p.id, p]));

  it('lists each missing update by its KB with MSRC severity and CVEs', () => {
    expect(result.os).toBe('Microsoft Windows Server 2022 Standard 10.0.20348');
    expect(result.patches.map((p) => [p.id, p.severity, p.security, p.rebootHint])).toEqual([
      ['KB5034129', 'critical', true, true],
      ['KB5034279', 'important', true, false],
      ['KB2267602', 'unknown', true, false], // unrated, but the title says "Security"
      ['KB890830', 'unknown', false, false],
      ['KB5034606', 'unknown', false, false], // KB as a bare string, Severity null
    ]);
    expect(byId.get('KB5034129')?.cves).toEqual(['CVE-2024-20674', 'CVE-2024-20700']);
    expect(byId.get('KB5034129')?.title).toBe('2024-01 Cumulative Update for Microsoft server operating system version 21H2 for x64-based Systems (KB5034129)');
    expect(byId.get('KB5034606')?.cves).toEqual([]);
  });

  it('lists installed KBs and the pending reboot', () => {
    expect(result.installed).toEqual(['KB5012170', 'KB5031364', 'KB5034439']);
    expect(result.rebootRequired).toBe(true);
    expect(result.warnings).toEqual(['ignored 2 lines before the first section, starting "#< CLIXML"']);
  });
});

describe('parseWindowsScan on the Server 2019 fixture (one-element lists unwrapped by ConvertTo-Json)', () => {
  it('accepts a bare object for a list, a bare number for a KB, and CLIXML inside the section', () => {
    const result = parseWindowsScan('win-04', fixture('windows2019-single-scan.txt'));
    expect(result.patches).toMatchObject([{ id: 'KB5034768', severity: 'important', security: true, rebootHint: true, packages: [] }]);
    expect(result.installed).toEqual(['KB5034127']);
    expect(result.rebootRequired).toBe(false);
    expect(result.warnings).toEqual(["PowerShell progress records (#< CLIXML) were mixed into stdout; set $ProgressPreference = 'SilentlyContinue'"]);
  });
});

describe('parseWindowsScan details', () => {
  it.each([[null], [[]]])('reads missing: %j as nothing missing', (missing) => {
    expect(parseWindowsScan('h', scan(doc({ missing, installed: null })))).toMatchObject({ patches: [], installed: [], warnings: [] });
  });

  it('normalizes KB spellings and merges an update listed twice', () => {
    const missing = [update({ KB: 'kb5034129' }), update({ KB: '5034129', Severity: 'Critical' }), update({ KB: 'KB5034441 KB5034440', Title: 'Two KBs' })];
    const result = parseWindowsScan('h', scan(doc({ missing })));
    expect(result.patches.map((p) => [p.id, p.severity])).toEqual([
      ['KB5034129', 'critical'],
      ['KB5034441', 'important'],
    ]);
    expect(result.warnings).toEqual(['"Two KBs" lists KB5034441, KB5034440; tracked as KB5034441']);
  });

  it('skips an update without a KB and ignores hotfix ids that are not KBs, saying so', () => {
    const result = parseWindowsScan('h', scan(doc({ missing: [update({ KB: [], Title: 'Driver X' })], installed: [{ HotFixID: 'File 1' }, { HotFixID: 'KB5012170' }] })));
    expect(result.patches).toEqual([]);
    expect(result.installed).toEqual(['KB5012170']);
    expect(result.warnings).toEqual(['skipped "Driver X": it has no KB number to track it by', 'installed HotFixID: ignored "File 1", which is not a KB number']);
  });

  it.each(['Unspecified', 'constructor', '__proto__'])('counts the unrecognized severity %j as unknown and security', (Severity) => {
    const result = parseWindowsScan('h', scan(doc({ missing: [update({ Severity })] })));
    expect(result.patches[0]).toMatchObject({ severity: 'unknown', security: true });
    expect(result.warnings).toEqual([`KB5034129 has the unknown severity "${Severity}"; counted as unknown`]);
  });

  it.each([
    ['a -Depth too small', doc({ missing: [update({ KB: 'System.Object[]' })] }), 'missing[0].KB is "System.Object[]", not a KB number'],
    ['CVEs cut by -Depth', doc({ missing: [update({ CVEs: 'System.Object[]' })] }), 'missing[0].CVEs is "System.Object[]", not a CVE id'],
    [
      'a PowerShell error instead of JSON',
      'Exception calling "Search" with "1" argument(s): "Exception from HRESULT: 0x8024402C"',
      'expected JSON from the Windows scan, got "Exception calling',
    ],
    ['truncated JSON', doc().slice(0, 40), 'expected JSON from the Windows scan, got truncated input'],
    ['JSON followed by junk', `${doc()} trailing`, 'the Windows scan printed invalid JSON'],
    ['only CLIXML', '#< CLIXML\n<Objs Version="1.1.0.1"></Objs>', 'the windows-json section is empty'],
    ['a bare list', JSON.stringify([update()]), 'expected JSON from the Windows scan, got "[{'],
    [
      'no rebootPending',
      JSON.stringify({ os: 'W', installed: [], missing: [] }),
      "the Windows scan's JSON does not have the expected shape: rebootPending: Invalid input: expected boolean, received undefined",
    ],
    [
      'a missing Title',
      doc({ missing: [update({ Title: undefined })] }),
      "the Windows scan's JSON does not have the expected shape: missing[0].Title: Invalid input: expected string, received undefined",
    ],
    ['a KB as an object', doc({ missing: [update({ KB: { id: 1 } })] }), "the Windows scan's JSON does not have the expected shape: missing[0].KB[0]: Invalid input"],
  ])('refuses %s', (_, json, message) => {
    expect(() => parseWindowsScan('win-03', scan(json))).toThrow(ScanParseError);
    expect(() => parseWindowsScan('win-03', scan(json))).toThrow(`win-03: ${message}`);
  });

  it('hints at the -Depth fix', () => {
    const error = (() => {
      try {
        parseWindowsScan('h', scan(doc({ missing: [update({ KB: 'System.Object[]' })] })));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ScanParseError);
    expect((error as ScanParseError).hint).toMatch(/ConvertTo-Json with -Depth 5/);
  });
});
