import { parseCheckUpdate, parseExitCode, parseInstalled, parseUpdateinfo } from './dnf-lines.ts';
import { buildRpmPatches } from './dnf-patches.ts';
import { parseOsRelease } from './os-release.ts';
import { excerpt, type ParsedScan, ScanParseError } from './scan-result.ts';
import { boundScan } from './bound-scan.ts';
import { MAX_TEXT_LINE, MAX_TEXT_OUTPUT, type Section, sectionOf, splitSections } from './sections.ts';

/**
 * RHEL family scan (`scan-rhel`: RHEL, CentOS, Rocky, Alma, Oracle, Fedora up to 40 — dnf 4).
 * The playbook prints, as root, in this order:
 *
 *   echo '### patchbot:os-release'
 *   cat /etc/os-release
 *   echo '### patchbot:updateinfo'
 *   LC_ALL=C dnf -q $strict --refresh updateinfo list --updates; rc=$?   # strict: --setopt=skip_if_unavailable=False
 *   echo '### patchbot:updateinfo-exit'
 *   echo "$rc"                                                            # then exit 1 unless 0
 *   echo '### patchbot:updateinfo-cves'                      # optional pair: fills in CVEs
 *   LC_ALL=C dnf -q $strict updateinfo list --updates --with-cve; rc=$?
 *   echo '### patchbot:updateinfo-cves-exit'
 *   echo "$rc"
 *   echo '### patchbot:check-update'
 *   LC_ALL=C dnf -q $strict check-update; rc=$?
 *   echo '### patchbot:check-update-exit'
 *   echo "$rc"                                                            # then exit 1 unless 0 or 100
 *   echo '### patchbot:installed'                            # optional: what the host runs of them
 *   LC_ALL=C rpm -q --qf '%{NAME}.%{ARCH} %{EPOCHNUM}:%{VERSION}-%{RELEASE}\n' <each name.arch check-update listed>
 *   echo '### patchbot:needs-restarting'
 *   LC_ALL=C dnf -q $strict needs-restarting -r; rc=$?
 *   echo '### patchbot:needs-restarting-exit'
 *   echo "$rc"
 *   echo '### patchbot:end'
 *
 * - Every command's section is followed by `<name>-exit` holding its exit code: a command killed
 *   half-way (a timeout) leaves a complete-looking list, and only its exit code tells.
 * - updateinfo lists every advisory type (not only --security): bugfix and enhancement advisories
 *   are patches too. Each line is `<advisory> <type> <name-[epoch:]version-release.arch>`.
 * - check-update exits 100 when updates exist, 0 when none, 1 on error (an error fails the scan).
 * - needs-restarting -r exits 1 and prints "Reboot is required" when a reboot is pending, 0 when
 *   not; an exit 1 without that sentence (e.g. the plugin is missing) gives "unknown".
 * - dnf prints nothing for installed versions: the `installed` section (rpm -q) gives them, so that
 *   a package version that drops out of a later report can be told installed from superseded
 *   (adapters/postgres/finding-close.ts). Without it (an older playbook), PackageUpdate.installed is
 *   null and such a version reads as superseded. It has no exit section: a list cut short only
 *   leaves some versions unknown, which errs the same safe way.
 * - dnf 5 (Fedora 41+) prints other tables and is not this contract.
 */
export const DNF_SECTIONS = ['os-release', 'updateinfo', 'updateinfo-exit', 'check-update', 'check-update-exit', 'needs-restarting', 'needs-restarting-exit'] as const;
export const DNF_OPTIONAL_SECTIONS = ['updateinfo-cves', 'updateinfo-cves-exit', 'installed'] as const;

export function parseDnfScan(host: string, stdout: Buffer | string): ParsedScan {
  const split = splitSections(host, stdout, { what: 'dnf', required: DNF_SECTIONS, optional: DNF_OPTIONAL_SECTIONS, maxLineLength: MAX_TEXT_LINE, maxOutput: MAX_TEXT_OUTPUT });
  const os = parseOsRelease(host, sectionOf(split, 'os-release'));
  const warnings = [...split.warnings];
  if (!os.family.some((f) => ['rhel', 'fedora', 'centos'].includes(f))) warnings.push(`os-release says ${os.name}, which is not in the RHEL family`);

  const advisories = parseUpdateinfo(host, sectionOf(split, 'updateinfo'), 'advisory');
  requireSuccess(host, 'updateinfo', sectionOf(split, 'updateinfo-exit'));
  const cveSection = split.sections.get('updateinfo-cves');
  const cves = cveSection ? parseUpdateinfo(host, cveSection, 'cve') : [];
  if (cveSection) {
    const cveExit = split.sections.get('updateinfo-cves-exit');
    if (!cveExit) throw new ScanParseError(host, 'dnf scan output has `### patchbot:updateinfo-cves` but no `### patchbot:updateinfo-cves-exit` section');
    requireSuccess(host, 'updateinfo --with-cve', cveExit);
  }
  const updates = parseCheckUpdate(host, sectionOf(split, 'check-update'));
  const exit = parseExitCode(host, sectionOf(split, 'check-update-exit'));
  if (exit === 1) throw new ScanParseError(host, 'dnf check-update failed (exit 1); its stderr says why');
  if (exit !== 0 && exit !== 100) throw new ScanParseError(host, `dnf check-update exited ${exit}; expected 0 (no updates) or 100 (updates available)`);
  if (exit === 100 && updates.length === 0) throw new ScanParseError(host, 'dnf check-update exited 100 (updates available) but its section lists no packages: the output is incomplete');
  if (exit === 0 && updates.length > 0) throw new ScanParseError(host, `dnf check-update exited 0 (no updates) but its section lists ${updates.length} packages`);

  const installedSection = split.sections.get('installed');
  const built = buildRpmPatches(host, advisories, cves, updates, installedSection ? parseInstalled(host, installedSection) : new Map());
  const reboot = needsRestarting(host, sectionOf(split, 'needs-restarting'), sectionOf(split, 'needs-restarting-exit'));
  return boundScan({
    host,
    os: os.name,
    patches: built.patches,
    installed: [],
    rebootRequired: reboot.required,
    warnings: [...warnings, ...built.warnings, ...reboot.warnings],
  });
}

function requireSuccess(host: string, command: string, exitSection: Section): void {
  const exit = parseExitCode(host, exitSection);
  if (exit !== 0) throw new ScanParseError(host, `dnf ${command} exited ${exit}, so its list may be incomplete; its stderr says why`);
}

function needsRestarting(host: string, output: Section, exitSection: Section): { required: boolean | null; warnings: string[] } {
  const exit = parseExitCode(host, exitSection);
  const text = output.lines.join('\n');
  if (exit === 0) return { required: false, warnings: [] };
  if (exit === 1 && text.includes('Reboot is required')) return { required: true, warnings: [] };
  const said = output.lines.find((l) => l.trim() !== '');
  return { required: null, warnings: [`whether a reboot is pending is unknown: dnf needs-restarting -r exited ${exit}${said ? ` and said ${excerpt(said)}` : ''}`] };
}
