import type { Candidate } from './tools/host-state.ts';

/** One simulated Debian (or Ubuntu) host, as a test describes it. */
export interface FleetHostSpec {
  /** The inventory name (also `hostname` on the host). */
  name: string;
  /** binary:Package → version, as dpkg-query prints them: `openssl`, `libssl3:amd64`. */
  installed: Record<string, string>;
  /** The archive's newer versions: what `apt-get -s dist-upgrade` lists and an upgrade installs. */
  candidates?: Record<string, Candidate>;
  /** Package → unit: installing this package's candidate makes the unit fail (the upgrade broke a service). */
  breaksOnUpgrade?: Record<string, string>;
  /** Packages whose upgrade creates /var/run/reboot-required (kernel, libc…). */
  rebootAfter?: string[];
  /** Units already failing before any change. */
  failedUnits?: string[];
  /** Install a simulated needrestart (`-b` reports the kernel status). Default: absent, as on a stock Debian. */
  needrestart?: boolean;
  /** The inventory os; default debian. */
  os?: 'debian' | 'ubuntu';
  /** /etc/os-release; default Debian 12 (bookworm), or Ubuntu 22.04 for os: ubuntu. */
  osRelease?: string;
  /** The running kernel, `uname -r`; /boot has its vmlinuz. Default 6.1.0-18-amd64. */
  kernel?: string;
  tags?: Record<string, string>;
}

export interface FleetSpec {
  hosts: FleetHostSpec[];
  /**
   * How a host's absolute paths become its own (host-shell.ts). auto (default): a mount
   * namespace when this machine allows one (root with CAP_SYS_ADMIN), else rewriting.
   */
  isolation?: 'auto' | 'namespace' | 'rewrite';
  /** How long a rebooting host drops new sessions; default 1000 ms. */
  rebootDowntimeMs?: number;
}

export const DEBIAN_12 = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
`;

export const UBUNTU_2204 = `PRETTY_NAME="Ubuntu 22.04.4 LTS"
NAME="Ubuntu"
VERSION_ID="22.04"
VERSION="22.04.4 LTS (Jammy Jellyfish)"
VERSION_CODENAME=jammy
ID=ubuntu
ID_LIKE=debian
UBUNTU_CODENAME=jammy
`;

const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const PACKAGE = /^[a-z0-9][a-z0-9+.-]+(:[a-z0-9-]+)?$/;
const VERSION = /^(\d+:)?[0-9][A-Za-z0-9.+~-]*$/;
const SUITE = /^[a-z0-9][a-z0-9.-]*$/;
const UNIT = /^[A-Za-z0-9@._-]+\.(service|socket|timer|mount|target|path)$/;

/** The first simulated address is 127.0.0.11; all of 127.0.0.0/8 answers on Linux loopback. */
export const MAX_HOSTS = 240;
export const addressOf = (index: number) => `127.0.0.${11 + index}`;

/** Every problem with the spec at once: a typo in a fixture must fail loudly, not simulate something else. */
export function specProblems(spec: FleetSpec): string[] {
  const problems: string[] = [];
  if (spec.hosts.length === 0 || spec.hosts.length > MAX_HOSTS) problems.push(`a fleet has 1 to ${MAX_HOSTS} hosts, got ${spec.hosts.length}`);
  const names = new Set<string>();
  for (const host of spec.hosts) {
    const at = `host ${host.name}`;
    if (!HOST_NAME.test(host.name)) problems.push(`${at}: not a valid host name`);
    if (names.has(host.name)) problems.push(`${at}: listed twice`);
    names.add(host.name);
    for (const [pkg, version] of Object.entries(host.installed)) {
      if (!PACKAGE.test(pkg)) problems.push(`${at}: installed package ${pkg} is not a Debian package name`);
      if (!VERSION.test(version)) problems.push(`${at}: installed ${pkg} version ${version} is not a Debian version`);
    }
    for (const [pkg, c] of Object.entries(host.candidates ?? {})) {
      if (!PACKAGE.test(pkg)) problems.push(`${at}: candidate ${pkg} is not a Debian package name`);
      if (!VERSION.test(c.version)) problems.push(`${at}: candidate ${pkg} version ${c.version} is not a Debian version`);
      if (!SUITE.test(c.suite)) problems.push(`${at}: candidate ${pkg} suite ${c.suite} is not a suite name`);
      for (const r of c.requires ?? []) if (!(r in host.installed)) problems.push(`${at}: candidate ${pkg} requires ${r}, which is not installed`);
    }
    for (const [pkg, unit] of Object.entries(host.breaksOnUpgrade ?? {})) {
      if (!host.candidates?.[pkg]) problems.push(`${at}: breaksOnUpgrade names ${pkg}, which has no candidate to upgrade to`);
      if (!UNIT.test(unit)) problems.push(`${at}: breaksOnUpgrade unit ${unit} is not a unit name`);
    }
    for (const unit of host.failedUnits ?? []) if (!UNIT.test(unit)) problems.push(`${at}: failed unit ${unit} is not a unit name`);
    for (const pkg of host.rebootAfter ?? []) if (!PACKAGE.test(pkg)) problems.push(`${at}: rebootAfter ${pkg} is not a Debian package name`);
    if (host.kernel !== undefined && !/^[A-Za-z0-9._+-]+$/.test(host.kernel)) problems.push(`${at}: kernel ${host.kernel} is not a kernel release`);
  }
  return problems;
}
