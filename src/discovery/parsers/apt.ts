import { parseAptSimulate } from './apt-simulate.ts';
import { parseDebianReboot } from './debian-reboot.ts';
import { parseOsRelease } from './os-release.ts';
import type { ParsedScan } from './scan-result.ts';
import { boundScan } from './bound-scan.ts';
import { MAX_TEXT_LINE, MAX_TEXT_OUTPUT, sectionOf, splitSections } from './sections.ts';

/**
 * Debian/Ubuntu scan (`scan-debian`). The playbook prints, as root, in this order
 * (the test/fixtures/scans/debian12-scan.txt fixture is this script's real output):
 *
 *   echo '### patchbot:os-release'
 *   cat /etc/os-release
 *   echo '### patchbot:apt-simulate'
 *   LC_ALL=C apt-get -s -o Debug::NoLocking=1 dist-upgrade
 *   echo '### patchbot:reboot'
 *   if [ -f /var/run/reboot-required ]; then echo required; else echo not-required; fi
 *   if command -v needrestart >/dev/null 2>&1; then needrestart -b; fi
 *   echo '### patchbot:end'
 *
 * - apt-simulate: stdout only (stderr stays on stderr; see sections.ts). LC_ALL, not LANG, because
 *   an LC_ALL in the environment overrides LANG and the parser reads English. Run `apt-get update`
 *   in an earlier step: a scan reads the lists, it does not refresh them.
 * - reboot: `required`/`not-required` always, then needrestart's batch output if installed. On
 *   Debian without needrestart the verdict is null ("unknown"), see debian-reboot.ts.
 *
 * Patches: one per package and candidate version, id `deb:<package>@<candidate>`; security when
 * an origin is a security archive; severity 'important' for security, else 'low' (apt-simulate.ts).
 */
export const APT_SECTIONS = ['os-release', 'apt-simulate', 'reboot'] as const;

export function parseAptScan(host: string, stdout: Buffer | string): ParsedScan {
  const split = splitSections(host, stdout, { what: 'apt', required: APT_SECTIONS, maxLineLength: MAX_TEXT_LINE, maxOutput: MAX_TEXT_OUTPUT });
  const os = parseOsRelease(host, sectionOf(split, 'os-release'));
  const warnings = [...split.warnings];
  if (!os.family.some((f) => f === 'debian' || f === 'ubuntu')) warnings.push(`os-release says ${os.name}, which is not Debian or Ubuntu`);
  const simulation = parseAptSimulate(host, sectionOf(split, 'apt-simulate'));
  const reboot = parseDebianReboot(host, sectionOf(split, 'reboot'), os.family.includes('ubuntu'));
  return boundScan({
    host,
    os: os.name,
    patches: simulation.patches,
    installed: [],
    rebootRequired: reboot.required,
    warnings: [...warnings, ...simulation.warnings, ...reboot.warnings],
  });
}
