import { hasControls, oneLine } from '../../shared/control-chars.ts';
import { boundCves, boundTitle, clipText, MAX_CVES, MAX_OS_NAME, MAX_TITLE, MAX_WARNING } from '../patch-bounds.ts';
import type { PackageUpdate, ParsedPatch, ParsedScan } from './scan-result.ts';

const line = (text: string, max: number) => clipText(oneLine(text).trim(), max);

/**
 * The last step of every parser, where host text becomes ours: removes control characters
 * (terminal escape codes) from every string, clips titles, the OS name and warnings, and keeps at
 * most MAX_CVES valid CVE ids per patch. Each bound a host overstepped adds one warning to its scan
 * (stored with it), so the violation is visible and the values stored stay small.
 */
export function boundScan(scan: ParsedScan): ParsedScan {
  const notes: string[] = [];
  const controls: string[] = [];
  const clipped: string[] = [];
  if (hasControls(scan.os)) controls.push('the OS name');
  const os = line(scan.os, MAX_OS_NAME);
  const patches = scan.patches.map((p): ParsedPatch => {
    if (hasControls(p.title) || p.packages.some((k) => [k.name, k.arch ?? '', k.installed ?? '', k.candidate].some(hasControls))) controls.push(p.id);
    const title = boundTitle(p.title);
    if (oneLine(p.title).trim().length > MAX_TITLE) clipped.push(p.id);
    const cves = boundCves(p.cves);
    if (cves.invalid) notes.push(`${p.id}: ignored ${cves.invalid} CVE values that are not CVE ids (CVE-YYYY-NNNN, at most 20 characters)`);
    if (cves.dropped) notes.push(`${p.id} lists ${cves.cves.length + cves.dropped} CVEs; kept the first ${MAX_CVES}`);
    return { ...p, title, cves: cves.cves, packages: p.packages.map(cleanPackage) };
  });
  if (clipped.length) notes.push(`clipped to ${MAX_TITLE} characters the title of ${list(clipped)}`);
  if (controls.length) notes.push(`removed control characters (terminal escape codes, text-direction overrides) from the text of ${list(controls)}`);
  if (scan.warnings.some(hasControls)) notes.push('removed control characters from warnings that quote the host');
  return { ...scan, os, patches, installed: scan.installed.map((id) => oneLine(id)), warnings: [...scan.warnings.map((w) => line(w, MAX_WARNING)), ...notes] };
}

const cleanPackage = (p: PackageUpdate): PackageUpdate => ({
  name: oneLine(p.name),
  arch: p.arch === null ? null : oneLine(p.arch),
  installed: p.installed === null ? null : oneLine(p.installed),
  candidate: oneLine(p.candidate),
});

const list = (items: string[]) => (items.length > 5 ? `${items.slice(0, 5).join(', ')} and ${items.length - 5} more` : items.join(', '));
