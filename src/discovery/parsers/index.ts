import type { OsFamily } from '../../inventory/host.ts';
import { APT_SECTIONS, parseAptScan } from './apt.ts';
import { DNF_SECTIONS, parseDnfScan } from './dnf.ts';
import type { ParsedScan, ScanParser } from './scan-result.ts';
import { WINDOWS_SECTIONS, parseWindowsScan } from './windows.ts';

export type { PackageUpdate, ParsedPatch, ParsedScan, ScanParser } from './scan-result.ts';
export { ScanParseError } from './scan-result.ts';
export { END_SECTION, formatSections, SECTION_MARKER } from './sections.ts';

export interface ScanContract {
  parse: ScanParser;
  /** Sections the scan playbook must print, in this order, before `### patchbot:end`. */
  sections: readonly string[];
}

const APT: ScanContract = { parse: parseAptScan, sections: APT_SECTIONS };
const DNF: ScanContract = { parse: parseDnfScan, sections: DNF_SECTIONS };
const WINDOWS: ScanContract = { parse: parseWindowsScan, sections: WINDOWS_SECTIONS };

// A Record over the union, so a new OsFamily does not compile until it has a parser.
const CONTRACTS: Record<OsFamily, ScanContract> = {
  debian: APT,
  ubuntu: APT,
  rhel: DNF,
  centos: DNF,
  rocky: DNF,
  alma: DNF,
  fedora: DNF,
  windows: WINDOWS,
};

export function parserFor(os: OsFamily): ScanParser {
  return CONTRACTS[os].parse;
}

export function scanContractFor(os: OsFamily): ScanContract {
  return CONTRACTS[os];
}

/** Parses one host's scan stdout; throws ScanParseError, and only that, when it cannot be trusted. */
export function parseScan(os: OsFamily, host: string, stdout: Buffer | string): ParsedScan {
  return parserFor(os)(host, stdout);
}
