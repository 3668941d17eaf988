import type { Severity } from '../patch.ts';
import { isCveId, MAX_CVE_LENGTH } from '../patch-bounds.ts';
import { excerpt, ScanParseError } from './scan-result.ts';
import { compareRpmVersions } from './rpm-version.ts';
import type { Section } from './sections.ts';

/** Line grammar of dnf 4 (RHEL 8/9 and rebuilds), LC_ALL=C. */

export interface Nevra {
  name: string;
  arch: string;
  /** `[epoch:]version-release`, epoch omitted when 0, as dnf prints it. */
  evr: string;
}

// name-[epoch:]version-release.arch; release and version hold no '-', the name may. The name
// names what is updated, and a plain update's patch id and title (`rpm:<name>@<evr>`), which the
// catalog shares with every host (catalog-merge.ts): it holds only the characters of a package
// name (those a plain update's patch id takes, patch.ts), never markup or a link that a hostile
// host wrote in its place.
const NEVRA = /^([A-Za-z0-9][A-Za-z0-9+._-]*)-((?:\d+:)?[^\s:-]+-[^\s:-]+)\.([A-Za-z0-9_]+)$/;
const NAME_ARCH = /^([^\s:]+)\.([A-Za-z0-9_]+)$/;
const EVR = /^(?:\d+:)?[^\s:-]+-[^\s:-]+$/;
const ADVISORY = /^[A-Z][A-Z0-9]*-[A-Za-z0-9:_.-]+$/;

export function parseNevra(text: string): Nevra | null {
  const m = NEVRA.exec(text);
  return m ? { name: m[1]!, evr: m[2]!.replace(/^0:/, ''), arch: m[3]! } : null;
}

export interface AdvisoryKind {
  severity: Severity;
  security: boolean;
  label: string;
}

// dnf/cli/commands/updateinfo.py: SECURITY2LABEL for security advisories (Unknown/Sec. when the
// advisory carries no severity), TYPE2LABEL for the rest. Non-security types rank 'low', like any
// plain package update (see apt-simulate.ts), except the type dnf itself cannot name.
const KINDS: Record<string, AdvisoryKind> = {
  'Critical/Sec.': { severity: 'critical', security: true, label: 'Critical security update' },
  'Important/Sec.': { severity: 'important', security: true, label: 'Important security update' },
  'Moderate/Sec.': { severity: 'moderate', security: true, label: 'Moderate security update' },
  'Low/Sec.': { severity: 'low', security: true, label: 'Low security update' },
  'Unknown/Sec.': { severity: 'unknown', security: true, label: 'Security update' },
  security: { severity: 'unknown', security: true, label: 'Security update' },
  bugfix: { severity: 'low', security: false, label: 'Bug fix update' },
  enhancement: { severity: 'low', security: false, label: 'Enhancement update' },
  newpackage: { severity: 'low', security: false, label: 'New package' },
  unknown: { severity: 'unknown', security: false, label: 'Update' },
};

export interface AdvisoryLine {
  /** An advisory id (`dnf updateinfo list`) or a CVE id (`… --with-cve`). */
  ref: string;
  kind: AdvisoryKind;
  nevra: Nevra;
  /** The NEVRA as printed: CVE lines join advisories through it. */
  text: string;
}

/** `RHSA-2024:3339 Important/Sec. glibc-2.34-100.el9_4.2.x86_64`, one advisory × package per line. */
export function parseUpdateinfo(host: string, section: Section, refs: 'advisory' | 'cve'): AdvisoryLine[] {
  const out: AdvisoryLine[] = [];
  for (const [i, line] of section.lines.entries()) {
    if (line.trim() === '') continue;
    const where = `${section.name} line ${section.firstLine + i}`;
    const cols = line.trim().split(/\s+/);
    if (cols.length !== 3) throw new ScanParseError(host, `${where} has ${cols.length} columns, expected 3 (advisory, type, package): ${excerpt(line)}`);
    const [ref, type, text] = cols as [string, string, string];
    if (refs === 'cve' && /^CVE-\d{4}-\d+$/.test(ref) && !isCveId(ref)) {
      throw new ScanParseError(host, `${where} has a CVE id of ${ref.length} characters (longest accepted: ${MAX_CVE_LENGTH}): ${excerpt(line)}`);
    }
    if (!(refs === 'cve' ? isCveId(ref) : ADVISORY.test(ref)))
      throw new ScanParseError(host, `${where} does not start with ${refs === 'cve' ? 'a CVE id' : 'an advisory id'}: ${excerpt(line)}`);
    const kind = Object.hasOwn(KINDS, type) ? KINDS[type] : undefined;
    if (!kind) throw new ScanParseError(host, `${where} has the unknown advisory type ${excerpt(type)}: ${excerpt(line)}`);
    const nevra = parseNevra(text);
    if (!nevra) throw new ScanParseError(host, `${where}: ${excerpt(text)} is not a package name-[epoch:]version-release.arch`);
    out.push({ ref, kind, nevra, text });
  }
  return out;
}

/**
 * `dnf check-update` rows: `name.arch  [epoch:]version-release  repo`. dnf wraps a value wider than
 * its column onto the next line, so a row may span lines; under "Obsoleting Packages" each new
 * package is followed by an indented row for the installed package it replaces, which is skipped.
 */
export function parseCheckUpdate(host: string, section: Section): Nevra[] {
  const rows: Nevra[] = [];
  let obsoleting = false;
  let row: { cols: string[]; line: number; indented: boolean } | null = null;
  const flush = () => {
    if (!row) return;
    const where = `check-update line ${row.line}`;
    if (row.cols.length !== 3) throw new ScanParseError(host, `${where} has ${row.cols.length} columns, expected 3 (package, version, repository): ${excerpt(row.cols.join(' '))}`);
    const [na, evr] = row.cols as [string, string, string];
    const m = NAME_ARCH.exec(na);
    if (!m || !EVR.test(evr)) throw new ScanParseError(host, `${where} is not \`name.arch [epoch:]version-release repo\`: ${excerpt(row.cols.join(' '))}`);
    if (!(obsoleting && row.indented)) rows.push({ name: m[1]!, arch: m[2]!, evr: evr.replace(/^0:/, '') });
    row = null;
  };
  for (const [i, line] of section.lines.entries()) {
    if (line.trim() === '') continue;
    if (line.trim() === 'Obsoleting Packages') {
      flush();
      obsoleting = true;
      continue;
    }
    const cols = line.trim().split(/\s+/);
    if (row && row.cols.length < 3) row.cols.push(...cols);
    else {
      flush();
      row = { cols, line: section.firstLine + i, indented: /^\s/.test(line) };
    }
  }
  flush();
  return rows;
}

/** A `*-exit` section: one line, the previous command's exit code. */
export function parseExitCode(host: string, section: Section): number {
  const lines = section.lines.map((l) => l.trim()).filter(Boolean);
  if (lines.length !== 1 || !/^\d{1,3}$/.test(lines[0]!)) {
    throw new ScanParseError(host, `the ${section.name} section should hold one exit code, got ${excerpt(lines.join(' | '))}`);
  }
  return Number(lines[0]);
}

// `name.arch [epoch:]version-release`, as the scan's rpm -q query prints it; rpm's own line for a
// name it does not have installed (a package check-update offers as new, under Obsoleting).
const INSTALLED = /^([^\s:]+)\.([A-Za-z0-9_]+) ((?:\d+:)?[^\s:-]+-[^\s:-]+)$/;
const NOT_INSTALLED = /^package \S+ is not installed$/;

/**
 * The `installed` section: what the host runs of the packages check-update lists, name.arch →
 * `[epoch:]version-release` (epoch 0 omitted, as dnf prints it). An install-only package
 * (kernel) may be installed in several versions: the highest is what the host has at least.
 */
export function parseInstalled(host: string, section: Section): Map<string, string> {
  const versions = new Map<string, string>();
  for (const [i, line] of section.lines.entries()) {
    const text = line.trim();
    if (text === '' || NOT_INSTALLED.test(text)) continue;
    const m = INSTALLED.exec(text);
    if (!m) throw new ScanParseError(host, `installed line ${section.firstLine + i} is not \`name.arch [epoch:]version-release\`: ${excerpt(line)}`);
    const key = `${m[1]}.${m[2]}`;
    const evr = m[3]!.replace(/^0:/, '');
    const known = versions.get(key);
    if (known === undefined || compareRpmVersions(evr, known) > 0) versions.set(key, evr);
  }
  return versions;
}
