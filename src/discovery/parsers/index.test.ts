import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OsFamily } from '../../inventory/host.ts';
import { PatchId } from '../patch.ts';
import { parseScan, parserFor, ScanParseError, scanContractFor } from './index.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../../../test/fixtures/scans', name));

describe('parseScan', () => {
  it.each([
    ['debian', 'debian12-scan.txt', 135],
    ['ubuntu', 'ubuntu2204-scan.txt', 15],
    ['rhel', 'rhel9-scan.txt', 8],
    ['rocky', 'rocky9-scan.txt', 2],
    ['windows', 'windows2022-scan.txt', 5],
    ['windows', 'windows2019-single-scan.txt', 1],
  ] as const)('parses a %s scan (%s) into patches with valid ids', (os, file, count) => {
    const result = parseScan(os, 'h-1', fixture(file));
    expect(result.host).toBe('h-1');
    expect(result.patches).toHaveLength(count);
    expect(result.patches.filter((p) => !PatchId.safeParse(p.id).success)).toEqual([]);
  });

  it('has a parser and a section list for every OS family', () => {
    for (const os of OsFamily.options) {
      expect(typeof parserFor(os)).toBe('function');
      expect(scanContractFor(os).sections.length).toBeGreaterThan(0);
    }
    expect(scanContractFor('ubuntu').sections).toEqual(['os-release', 'apt-simulate', 'reboot']);
    expect(scanContractFor('windows').sections).toEqual(['windows-json']);
  });

  it('refuses a scan run against the wrong OS family', () => {
    expect(() => parseScan('windows', 'h-1', fixture('debian12-scan.txt'))).toThrow(ScanParseError);
    expect(() => parseScan('rhel', 'h-1', fixture('windows2022-scan.txt'))).toThrow('h-1: dnf scan output has no');
  });
});
