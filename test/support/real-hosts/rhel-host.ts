import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChrootHost, startChrootHost } from './chroot-host.ts';
import { ADVISORIES, BASE, buildRpms, type Rpm, UPDATES, updateinfoXml } from './rhel-packages.ts';

/**
 * A host whose package manager is real dnf 4 and rpm (Debian's builds, the same dnf major as
 * RHEL 9's), made from a copy of the cached rhel-dnf tree:
 *
 * - /etc/os-release and /etc/dnf/dnf.conf as RHEL 9 ships them (skip_if_unavailable=False,
 *   best=True), rpm's database at /var/lib/rpm (Debian's rpm defaults to ~/.rpmdb), and the
 *   dnf plugins RHEL does not enable (local, show_leaves) turned off;
 * - a repository at /srv/repo (baseurl file:///srv/repo) made with createrepo_c: the BASE rpms
 *   are installed from it with dnf, then the UPDATES are published into it and the
 *   updateinfo.xml added with modifyrepo_c, the way a mirror sync brings new advisories;
 * - /proc mounted inside, because dnf needs-restarting reads the boot time from /proc/1.
 */

const RHEL_OS_RELEASE = `NAME="Red Hat Enterprise Linux"
VERSION="9.4 (Plow)"
ID="rhel"
ID_LIKE="fedora"
VERSION_ID="9.4"
PLATFORM_ID="platform:el9"
PRETTY_NAME="Red Hat Enterprise Linux 9.4 (Plow)"
ANSI_COLOR="0;31"
LOGO="fedora-logo-icon"
CPE_NAME="cpe:/o:redhat:enterprise_linux:9::baseos"
HOME_URL="https://www.redhat.com/"
`;

// /etc/dnf/dnf.conf of RHEL 9.4.
const RHEL_DNF_CONF = `[main]
gpgcheck=1
installonly_limit=3
clean_requirements_on_remove=True
best=True
skip_if_unavailable=False
`;

export const REPO_FILE = '/etc/yum.repos.d/rhel-9-baseos.repo';
export const repoFile = (baseurl: string) => `[rhel-9-baseos]\nname=Red Hat Enterprise Linux 9 - BaseOS (patchbot test repository)\nbaseurl=${baseurl}\ngpgcheck=0\nenabled=1\n`;

export interface RhelHost extends ChrootHost {
  /** Runs createrepo_c again over /srv/repo and re-adds the updateinfo (after a test changed it). */
  rebuildRepo(): void;
  /** Builds more rpms into the repository (no advisory for them) and rebuilds it. */
  publish(packages: Rpm[]): void;
}

export async function startRhelHost(name: string): Promise<RhelHost> {
  const host = await startChrootHost('rhel-dnf', name, 'rhel');
  const build = mkdtempSync(join(tmpdir(), 'patchbot-rpms-'));
  try {
    // A real reboot of this "host" would be one of this machine: the image must have no way to.
    if (host.try('command -v reboot shutdown systemctl').stdout !== '') throw new Error(`${name}: the rhel-dnf image has a reboot command; rebuild it`);
    writeFileSync(host.file('etc/os-release'), RHEL_OS_RELEASE);
    writeFileSync(host.file('etc/dnf/dnf.conf'), RHEL_DNF_CONF);
    mkdirSync(host.file('etc/rpm'), { recursive: true });
    writeFileSync(host.file('etc/rpm/macros'), '%_dbpath /var/lib/rpm\n');
    for (const plugin of ['local', 'show_leaves']) writeFileSync(host.file(`etc/dnf/plugins/${plugin}.conf`), '[main]\nenabled=0\n');
    mkdirSync(host.file('etc/yum.repos.d'), { recursive: true });
    writeFileSync(host.file(REPO_FILE.slice(1)), repoFile('file:///srv/repo'));
    execFileSync('mount', ['-t', 'proc', 'proc', host.file('proc')]);

    const repo = host.file('srv/repo');
    mkdirSync(repo, { recursive: true });
    const base = buildRpms(join(build, 'base'), BASE);
    for (const f of readdirSync(base)) cpSync(join(base, f), join(repo, f));
    execFileSync('createrepo_c', ['-q', repo]);
    host.sh(`rpm --initdb && dnf -q -y install ${BASE.map((p) => p.name).join(' ')} >/dev/null`);

    const updates = buildRpms(join(build, 'updates'), UPDATES);
    for (const f of readdirSync(updates)) cpSync(join(updates, f), join(repo, f));
    writeFileSync(join(build, 'updateinfo.xml'), updateinfoXml(ADVISORIES, UPDATES));
    const rebuildRepo = () => {
      execFileSync('createrepo_c', ['-q', '--update', repo]);
      execFileSync('modifyrepo_c', ['--mdtype=updateinfo', join(build, 'updateinfo.xml'), join(repo, 'repodata')], { stdio: 'pipe' });
      // dnf keeps a local repository's metadata in its cache like any other's: drop it, as a
      // host whose metadata expired would.
      host.sh('dnf clean all >/dev/null');
    };
    rebuildRepo();
    const stop = () => host.stop();
    let batches = 0;
    const publish = (packages: Rpm[]) => {
      const built = buildRpms(join(build, `more-${++batches}`), packages);
      for (const f of readdirSync(built)) cpSync(join(built, f), join(repo, f));
      rebuildRepo();
    };
    return {
      ...host,
      rebuildRepo,
      publish,
      async stop() {
        rmSync(build, { recursive: true, force: true });
        await stop();
      },
    };
  } catch (error) {
    rmSync(build, { recursive: true, force: true });
    await host.stop();
    throw error;
  }
}
