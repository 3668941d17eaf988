import { excerpt, ScanParseError } from './scan-result.ts';
import type { Section } from './sections.ts';

/**
 * The `reboot` section of a Debian/Ubuntu scan (integrations.md §5.7):
 *   `required` | `not-required`       whether /var/run/reboot-required exists (always printed)
 *   `NEEDRESTART-<KEY>: <value>`      `needrestart -b` output, when needrestart is installed
 * NEEDRESTART-KSTA: 0 unknown, 1 running kernel is current, 2 ABI-compatible upgrade pending,
 * 3 version upgrade pending.
 */
export interface RebootVerdict {
  required: boolean | null;
  warnings: string[];
}

const NEEDRESTART = /^NEEDRESTART-([A-Z]+):\s*(.*)$/;

export function parseDebianReboot(host: string, section: Section, ubuntu: boolean): RebootVerdict {
  let flag: 'required' | 'not-required' | null = null;
  let ksta: number | null = null;
  for (const [i, raw] of section.lines.entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const m = NEEDRESTART.exec(line);
    if (line === 'required' || line === 'not-required') {
      if (flag) throw new ScanParseError(host, `the reboot section says ${flag} and ${line} (line ${section.firstLine + i})`);
      flag = line;
    } else if (m?.[1] === 'KSTA') {
      ksta = /^[0-3]$/.test(m[2]!) ? Number(m[2]) : fail(host, `NEEDRESTART-KSTA is ${excerpt(m[2]!)}, expected 0-3 (line ${section.firstLine + i})`);
    } else if (!m) {
      fail(host, `reboot section line ${section.firstLine + i} is neither required/not-required nor needrestart -b output: ${excerpt(raw)}`);
    }
  }
  if (!flag) fail(host, 'the reboot section does not say `required` or `not-required`');
  if (flag === 'required' || ksta === 2 || ksta === 3) return { required: true, warnings: [] };
  if (ksta === 1) return { required: false, warnings: [] };
  // Ubuntu's packages reliably create the flag file; Debian's mostly do not, so there its absence
  // proves nothing and we say "unknown" rather than "no reboot needed".
  if (ubuntu) return { required: false, warnings: [] };
  const why =
    ksta === 0
      ? 'needrestart could not tell whether the running kernel is current (NEEDRESTART-KSTA: 0)'
      : 'Debian does not reliably create /var/run/reboot-required and needrestart is not installed';
  return { required: null, warnings: [`whether a reboot is pending is unknown: ${why}`] };
}

function fail(host: string, problem: string): never {
  throw new ScanParseError(host, problem);
}
