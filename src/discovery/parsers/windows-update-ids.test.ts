import { describe, expect, it } from 'vitest';
import { successorsOf } from '../offered-updates.ts';
import { ScanParseError } from './scan-result.ts';
import { formatSections } from './sections.ts';
import { parseWindowsScan } from './windows.ts';
import { MAX_SUPERSEDED } from './windows-update-ids.ts';

/**
 * The UpdateIDs of the offered updates and those they supersede (IUpdate.Identity.UpdateID,
 * IUpdate.SupersededUpdateIDs): what links a KB that drops out to its successor.
 */
const doc = (missing: unknown[]) =>
  formatSections([['windows-json', JSON.stringify({ os: 'Microsoft Windows Server 2022 Standard 10.0.20348', installed: [], missing, rebootPending: false })]]);
const update = (kb: string, over: Record<string, unknown> = {}) => ({ Title: `Cumulative Update (${kb})`, KB: [kb], Severity: 'Important', RebootRequired: true, ...over });
const OLD_X64 = '0e0a7f1c-3b7d-4c52-9a1e-6d2b8f4a9c01';
const OLD_ARM = '7B3F2A10-55C4-4E0B-8D7E-1A2B3C4D5E6F';
const NEW_X64 = 'c5a1e2f3-4b5c-4d6e-8f70-8192a3b4c5d6';
const NEW_ARM = '1f2e3d4c-5b6a-4978-8a6b-5c4d3e2f1a0b';
const DEFENDER = 'aa11bb22-cc33-4d44-8e55-ff6677889900';

describe('parseWindowsScan reads the UpdateIDs of what it offers', () => {
  it('keeps per KB its UpdateIDs (one per product) and those they supersede, lower-cased', () => {
    const result = parseWindowsScan(
      'win-01',
      doc([
        update('KB5036893', { UpdateID: NEW_X64, SupersededUpdateIDs: [OLD_X64, 'a0a0a0a0-b1b1-4c2c-8d3d-e4e4e4e4e4e4'] }),
        update('KB5036893', { UpdateID: NEW_ARM, SupersededUpdateIDs: OLD_ARM }),
        update('KB890830', { UpdateID: DEFENDER, SupersededUpdateIDs: null }),
      ]),
    );
    expect(result.warnings).toEqual([]);
    expect(result.offered?.ids).toEqual(
      new Map([
        ['KB5036893', [NEW_X64, NEW_ARM]],
        ['KB890830', [DEFENDER]],
      ]),
    );
    expect(result.offered?.supersedes).toEqual(
      new Map([
        ['KB5036893', [OLD_X64, 'a0a0a0a0-b1b1-4c2c-8d3d-e4e4e4e4e4e4', OLD_ARM.toLowerCase()]],
        ['KB890830', []],
      ]),
    );
    expect(successorsOf(result.offered!)).toEqual({ [OLD_X64]: 'KB5036893', 'a0a0a0a0-b1b1-4c2c-8d3d-e4e4e4e4e4e4': 'KB5036893', [OLD_ARM.toLowerCase()]: 'KB5036893' });
  });

  it('names the lower KB number when two offered KBs supersede one UpdateID', () => {
    const result = parseWindowsScan(
      'win-01',
      doc([update('KB5037000', { UpdateID: NEW_ARM, SupersededUpdateIDs: [OLD_X64] }), update('KB5036893', { UpdateID: NEW_X64, SupersededUpdateIDs: [OLD_X64] })]),
    );
    expect(successorsOf(result.offered!)).toEqual({ [OLD_X64]: 'KB5036893' });
  });

  it('reads a scan printed before the UpdateIDs were as before: nothing offered to link', () => {
    const result = parseWindowsScan('win-01', doc([update('KB5036893')]));
    expect(result.patches.map((p) => p.id)).toEqual(['KB5036893']);
    expect(result.offered).toBeUndefined();
    expect(result.warnings).toEqual([]);
  });

  it('skips the UpdateIDs of an update without a KB, as it skips the update', () => {
    const result = parseWindowsScan(
      'win-01',
      doc([update('KB5036893', { UpdateID: NEW_X64 }), update('x', { KB: [], Title: 'Driver', UpdateID: DEFENDER, SupersededUpdateIDs: [OLD_X64] })]),
    );
    expect(result.offered?.ids).toEqual(new Map([['KB5036893', [NEW_X64]]]));
    expect(successorsOf(result.offered!)).toEqual({});
  });

  it(`keeps the first ${MAX_SUPERSEDED} superseded UpdateIDs of a scan, saying so`, () => {
    const many = (from: number, n: number) => Array.from({ length: n }, (_, i) => `00000000-0000-4000-8000-${(from + i).toString(16).padStart(12, '0')}`);
    const result = parseWindowsScan(
      'win-01',
      doc([
        update('KB5036893', { UpdateID: NEW_X64, SupersededUpdateIDs: many(0, MAX_SUPERSEDED - 1) }),
        update('KB5037000', { UpdateID: NEW_ARM, SupersededUpdateIDs: many(MAX_SUPERSEDED, 3) }),
      ]),
    );
    expect(result.offered?.supersedes.get('KB5037000')).toHaveLength(1);
    expect(result.warnings).toEqual([`the updates offered supersede ${MAX_SUPERSEDED + 2} UpdateIDs; kept the first ${MAX_SUPERSEDED}`]);
  });

  it.each([
    ['an UpdateID that is not a GUID', [update('KB5036893', { UpdateID: 'KB5036893' })], 'missing[0].UpdateID is "KB5036893", not an UpdateID (a GUID'],
    ['a GUID cut short', [update('KB5036893', { UpdateID: NEW_X64.slice(0, 30) })], `missing[0].UpdateID is "${NEW_X64.slice(0, 30)}", not an UpdateID`],
    ['a GUID in braces', [update('KB5036893', { UpdateID: `{${NEW_X64}}` })], 'missing[0].UpdateID is "{'],
    [
      'a garbled superseded UpdateID',
      [update('KB5036893', { UpdateID: NEW_X64, SupersededUpdateIDs: [OLD_X64, 'zz0a7f1c-3b7d-4c52-9a1e-6d2b8f4a9c01'] })],
      'missing[0].SupersededUpdateIDs[1] is "zz0a7f1c-3b7d-4c52-9a1e-6d2b8f4a9c01", not an UpdateID',
    ],
    [
      'superseded UpdateIDs cut by -Depth',
      [update('KB5036893', { UpdateID: NEW_X64, SupersededUpdateIDs: 'System.Object[]' })],
      'missing[0].SupersededUpdateIDs[0] is "System.Object[]", not an UpdateID',
    ],
    ['one update without an UpdateID among others', [update('KB5036893', { UpdateID: NEW_X64 }), update('KB5037000')], 'missing[1] has no UpdateID while other updates have one'],
    ['superseded UpdateIDs without an UpdateID', [update('KB5036893', { SupersededUpdateIDs: [OLD_X64] })], 'missing[0] has no UpdateID while other updates have one'],
    ['an UpdateID as a number', [update('KB5036893', { UpdateID: 5 })], "the Windows scan's JSON does not have the expected shape: missing[0].UpdateID: Invalid input"],
    [
      'a superseded UpdateID as an object',
      [update('KB5036893', { UpdateID: NEW_X64, SupersededUpdateIDs: [{ id: OLD_X64 }] })],
      "the Windows scan's JSON does not have the expected shape: missing[0].SupersededUpdateIDs[0]: Invalid input",
    ],
  ])('refuses %s, naming it', (_, missing, message) => {
    expect(() => parseWindowsScan('win-03', doc(missing))).toThrow(ScanParseError);
    expect(() => parseWindowsScan('win-03', doc(missing))).toThrow(`win-03: ${message}`);
  });
});
