import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScanParseError } from './scan-result.ts';
import { formatSections } from './sections.ts';
import { MAX_INSTALLED, parseWindowsScan } from './windows.ts';

/**
 * What a Windows scan shows the host has: Get-HotFix's ids and the KBs of the Update Agent's
 * history, and whether together they are every KB the host has (installedComplete), which lets
 * the writers call a KB no longer offered superseded rather than installed.
 */
const doc = (over: Record<string, unknown> = {}) =>
  JSON.stringify({ os: 'Microsoft Windows Server 2022 Standard 10.0.20348', installed: [{ HotFixID: 'KB5034439' }], missing: [], rebootPending: false, ...over });
const parse = (over: Record<string, unknown> = {}) => parseWindowsScan('win-01', formatSections([['windows-json', doc(over)]]));
const HISTORY_UNUSED = 'an update no longer offered is taken as installed';

describe('the Update Agent history in a Windows scan', () => {
  it('adds the KBs the history shows installed to the hotfixes, and says the list is complete', () => {
    const result = parse({ history: ['KB890830', 'KB5034439'], historyError: null });
    expect(result.installed).toEqual(['KB5034439', 'KB890830']);
    expect(result.installedComplete).toBe(true);
    expect(result.warnings).toEqual([]);
  });

  it('an empty history is complete too: Get-HotFix alone then shows what the host has', () => {
    const result = parse({ history: [] });
    expect([result.installed, result.installedComplete]).toEqual([['KB5034439'], true]);
  });

  it('takes one string alone as a one-element list', () => {
    expect(parse({ history: 'KB890830' }).installed).toEqual(['KB5034439', 'KB890830']);
  });

  it('a scan from before the history was printed reads as before: hotfixes only, not complete, no warning', () => {
    const result = parse();
    expect(result.installed).toEqual(['KB5034439']);
    expect(result.installedComplete).toBeUndefined();
    expect(result.warnings).toEqual([]);
  });

  it('says why when the history could not be read, and does not claim a complete list', () => {
    const result = parse({ history: null, historyError: 'Exception from HRESULT: 0x8024001E\u001b[2J' });
    expect(result.installedComplete).toBeUndefined();
    expect(result.installed).toEqual(['KB5034439']);
    expect(result.warnings).toEqual([`the Windows Update history could not be read ("Exception from HRESULT: 0x8024001E\\u001b[2J"): ${HISTORY_UNUSED}`]);
  });

  it('does not use a history that holds anything but KB numbers (a host that lies)', () => {
    const result = parse({ history: ['KB890830', 'kb5034441', 'KB5034441 ', 'everything'] });
    expect(result.installedComplete).toBeUndefined();
    expect(result.installed).toEqual(['KB5034439']);
    expect(result.warnings).toEqual([`the Windows Update history lists 2 values that are not KB numbers, the first "kb5034441": not used, ${HISTORY_UNUSED}`]);
  });

  it('refuses a history of the wrong shape, and one written at too small a -Depth', () => {
    for (const history of [42, { KB: 'KB890830' }, [7]]) {
      expect(() => parse({ history })).toThrow(/history.*expected/i);
    }
    expect(() => parse({ history: ['System.Object[]'] })).toThrow(ScanParseError);
    expect(() => parse({ history: ['System.Object[]'] })).toThrow(/history is "System.Object\[\]", not a KB number/);
  });

  it('a list cut at MAX_INSTALLED is not complete', () => {
    const history = Array.from({ length: MAX_INSTALLED }, (_, i) => `KB${5000000 + i}`);
    const result = parse({ history });
    expect(result.installed).toHaveLength(MAX_INSTALLED);
    expect(result.installedComplete).toBeUndefined();
    expect(result.warnings).toEqual([`the scan lists ${MAX_INSTALLED + 1} installed updates; kept the first ${MAX_INSTALLED}`]);
  });

  it('the scan playbook prints both fields the parser reads, from the Update Agent history', () => {
    const playbook = readFileSync(join(import.meta.dirname, '../../../playbooks/scan-windows.yaml'), 'utf8');
    expect(playbook).toContain('history = $history; historyError = $historyError');
    expect(playbook).toContain('$searcher.QueryHistory(0, $n)');
    expect(playbook).toContain('@(2, 3) -contains [int]$e.ResultCode');
  });
});
