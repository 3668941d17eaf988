/** Single-line grammar of `apt-get -s dist-upgrade` (apt 2.x and 3.x, LC_ALL=C). */

export interface InstLine {
  /** Without the `:arch` apt adds for foreign-architecture packages. */
  name: string;
  arch: string;
  /** null for a new install (`Inst pkg (ver origins [arch])`). */
  installed: string | null;
  candidate: string;
  /** `Debian:12.15/oldstable`, `Debian-Security:12/oldstable-security`, `Ubuntu:22.04/jammy-security`. */
  origins: string[];
}

// integrations.md §5.5, anchored at the end: after the closing parenthesis apt may only append
// `[pkg:arch ]` groups (packages whose dependencies it is untangling; seen in real output), so
// anything else there is a column we do not understand.
const UPGRADE = /^Inst (\S+) \[([^\]]*)\] \((\S+) ([^[]*)\[([^\]]+)\]\)((?: \[[^\]]*\])*)$/;
const NEW = /^Inst (\S+) \((\S+) ([^[]*)\[([^\]]+)\]\)((?: \[[^\]]*\])*)$/;
/** Debian policy §5.6.1: lowercase letters, digits, + - . ; at least two characters. */
const PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]+$/;

const ARCH_SUFFIX = /:[a-z0-9-]+$/;

export function parseInstLine(line: string): InstLine | null {
  const up = UPGRADE.exec(line);
  const m = up ?? NEW.exec(line);
  if (!m) return null;
  // Groups: package, [installed], candidate, origins, arch (one fewer for a new install).
  const at = up ? 1 : 0;
  const installed = up ? m[2]! : null;
  const pkg = m[1]!;
  const name = pkg.includes(':') ? pkg.replace(ARCH_SUFFIX, '') : pkg;
  if (!PACKAGE_NAME.test(name) || installed === '') return null;
  const origins: string[] = [];
  for (const origin of m[3 + at]!.split(',')) {
    const trimmed = origin.trim();
    if (trimmed) origins.push(trimmed);
  }
  return { name, arch: m[4 + at]!, installed, candidate: m[2 + at]!, origins };
}

/** Security = the candidate comes from a security archive (integrations.md §5.5). */
export const fromSecurityArchive = (origins: readonly string[]): boolean => origins.some((o) => o.startsWith('Debian-Security:') || o.slice(o.lastIndexOf('/') + 1).endsWith('-security'));

export interface AptSummary {
  upgraded: number;
  newlyInstalled: number;
  reinstalled: number;
  downgraded: number;
  toRemove: number;
  notUpgraded: number;
}

// apt-private/private-output.cc Stats(): "reinstalled" and "downgraded" appear only when non-zero;
// apt ≥ 3.0 prints the second form, indented under "Summary:".
const CLASSIC = /^(\d+) upgraded, (\d+) newly installed, (?:(\d+) reinstalled, )?(?:(\d+) downgraded, )?(\d+) to remove and (\d+) not upgraded\.$/;
const APT3 = /^\s*Upgrading: (\d+), Installing: (\d+), (?:Reinstalling: (\d+), )?(?:Downgrading: (\d+), )?Removing: (\d+), Not Upgrading: (\d+)$/;

export function parseSummaryLine(line: string): AptSummary | null {
  // Most lines are not the summary: skip the two regular expressions for them.
  if (!line.includes(' upgraded, ') && !line.includes('Upgrading: ')) return null;
  const m = CLASSIC.exec(line) ?? APT3.exec(line);
  if (!m) return null;
  const n = (i: number) => Number(m[i] ?? 0);
  return { upgraded: n(1), newlyInstalled: n(2), reinstalled: n(3), downgraded: n(4), toRemove: n(5), notUpgraded: n(6) };
}

/** Every one of these prints an `Inst` line. */
export const instCount = (s: AptSummary): number => s.upgraded + s.newlyInstalled + s.reinstalled + s.downgraded;

// Packages whose new version only takes effect after a reboot: the kernel (and Ubuntu's kernel
// metapackages), the C library, systemd (pid 1) and the system bus. Not linux-libc-dev/linux-perf.
const REBOOT_EXACT = new Set([
  'libc6',
  'systemd',
  'systemd-sysv',
  'libsystemd0',
  'libsystemd-shared',
  'dbus',
  'dbus-daemon',
  'dbus-broker',
  'linux-base',
  'intel-microcode',
  'amd64-microcode',
]);
const REBOOT_PREFIX = /^(linux-image-|linux-signed-image-|linux-modules-|linux-generic|linux-virtual|linux-(aws|azure|gcp|oracle|kvm|lowlatency)$)/;

export const debNeedsReboot = (name: string): boolean => REBOOT_EXACT.has(name) || REBOOT_PREFIX.test(name);
