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

/**
 * Publishes, in a local repository inside the host (file:/srv/apt, trusted), a rebuild of the
 * package's `version` with a higher version number: the archive now offers something newer than
 * what was approved. Returns the new version.
 */
export const publishNewerBuild = (host: ChrootHost, pkg: string, version: string): string => {
  const newer = `${version}+patchbot1`;
  host.sh(`set -e
    rm -rf /tmp/patchbot-rebuild && mkdir -p /srv/apt /tmp/patchbot-rebuild && cd /tmp/patchbot-rebuild
    apt-get download -q '${pkg}=${version}' >/dev/null 2>&1
    dpkg-deb -R ${pkg}_*.deb tree
    sed -i 's/^Version: .*/Version: ${newer}/' tree/DEBIAN/control
    f=${pkg}_rebuilt.deb
    dpkg-deb -b tree /srv/apt/$f >/dev/null
    cd /srv/apt
    { dpkg-deb -f $f; echo "Filename: ./$f"; echo "Size: $(stat -c %s $f)"; echo "SHA256: $(sha256sum $f | cut -d' ' -f1)"; echo; } > Packages
    echo 'deb [trusted=yes] file:/srv/apt ./' > /etc/apt/sources.list.d/patchbot-newer.list
    apt-get update -qq`);
  return newer;
};
