import type { ChrootHost } from './chroot-host.ts';

/** What the host's own apt says, read inside it: the truth the service's findings must match. */

interface Inst {
  pkg: string;
  installed: string;
  candidate: string;
  origin: string;
}

const simulate = (host: ChrootHost): Inst[] =>
  [...host.sh('apt-get -s -o Debug::NoLocking=1 dist-upgrade').matchAll(/^Inst (\S+) \[([^\]]+)\] \((\S+) ([^[]+?) \[/gm)].map((m) => ({
    pkg: m[1]!.split(':')[0]!,
    installed: m[2]!,
    candidate: m[3]!,
    origin: m[4]!,
  }));

/** `deb:<package>@<candidate>` for every package `apt-get -s dist-upgrade` would upgrade or install. */
export const aptSaysMissing = (host: ChrootHost): string[] => {
  const out = host.sh('apt-get -s -o Debug::NoLocking=1 dist-upgrade');
  const ids = [...out.matchAll(/^Inst (\S+) (?:\[[^\]]*\] )?\((\S+) /gm)].map((m) => `deb:${m[1]!.split(':')[0]}@${m[2]}`);
  return [...new Set(ids)].sort();
};

// Libraries nothing else in a minimal system is upgraded with: one package, no cascade. The
// first one pending wins; any pending security update will do otherwise.
const LEAVES = ['libzstd1', 'libpcre2-8-0', 'liblzma5', 'zlib1g', 'libgnutls30', 'libtasn1-6'];

/** One real pending security update: its package, the installed version and the one offered. */
export const pickSecurityUpdate = (host: ChrootHost) => {
  const security = simulate(host).filter((i) => /-security/i.test(i.origin));
  if (security.length === 0) throw new Error('the host is missing no security update: rebuild it from the point release (scripts/build-test-hosts.sh)');
  const pick = LEAVES.map((name) => security.find((i) => i.pkg === name)).find(Boolean) ?? security[0]!;
  return { pkg: pick.pkg, before: pick.installed, after: pick.candidate, patchId: `deb:${pick.pkg}@${pick.candidate}` };
};

export const installedVersion = (host: ChrootHost, pkg: string): string => host.sh(`dpkg-query -W -f '\${Version}' ${pkg}`);
