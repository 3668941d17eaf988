import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Host } from '../../../src/inventory/host.ts';
import { type Sshd, startSshd } from '../sshd.ts';

/**
 * A real system (debootstrapped by scripts/build-test-hosts.sh) as a managed host: a fresh copy of
 * a cached tree, reached through a real OpenSSH sshd on loopback whose sessions run inside it
 * (ChrootDirectory), with host-key checking on (the executor gets the sshd's known_hosts).
 *
 * Why the test's sshd with ChrootDirectory and not an sshd inside the tree: the image stays
 * minimal (no openssh-server and its dependencies in the build), the sshd is the one
 * test/support/sshd.ts already knows how to start, stop and key, and nothing of the image runs
 * as a daemon, so a test that fails half-way leaves no process behind in it. What a session
 * sees is the tree's own /bin, /etc, /var and package tools; the kernel, /proc (not mounted
 * unless a test mounts it) and the network are this machine's.
 *
 * Needs root: the copies are root-owned (sshd requires every component of a ChrootDirectory
 * to be root-owned and not writable by others, so they live under the cache, not in /tmp),
 * and package tools inside write as root.
 */

export const CACHE = process.env.PATCHBOT_TEST_CACHE ?? '/var/cache/patchbot-test';
export type ImageName = 'debian-bookworm' | 'rhel-dnf';

/** Null when the cached image can be used here, else why not; under CI=true that is an error. */
export function realHostSkipReason(image: ImageName): string | null {
  const why = missingReason(image);
  if (why && process.env.CI === 'true') throw new Error(`CI needs the real test hosts: ${why}`);
  if (why) console.warn(`[skip] real ${image} host: ${why}`);
  return why;
}

function missingReason(image: ImageName): string | null {
  if (process.getuid?.() !== 0) return 'the real-host tests run as root (chroot, sshd ChrootDirectory, package tools)';
  if (!existsSync(join(CACHE, image, '.patchbot-recipe'))) return `${join(CACHE, image)} is not built; run scripts/test-deps.sh as root`;
  return null;
}

export interface ChrootHost {
  name: string;
  root: string;
  sshd: Sshd;
  /** The inventory entry (address, port, user) for a config or runPlaybook. */
  entry: { name: string; address: string; port: number; user: string; os: 'debian' | 'rhel'; groups: string[] };
  host(): Host;
  /** Runs a shell script inside the tree as root, the way a person on the host would; throws on a non-zero exit. */
  sh(script: string): string;
  /** Like sh, but returns the exit code and both streams instead of throwing. */
  try(script: string): { code: number; stdout: string; stderr: string };
  file(path: string): string;
  stop(): Promise<void>;
}

export async function startChrootHost(image: ImageName, name: string, os: 'debian' | 'rhel', groups: string[] = []): Promise<ChrootHost> {
  const runs = join(CACHE, 'run');
  mkdirSync(runs, { recursive: true, mode: 0o755 });
  chmodSync(runs, 0o755);
  removeAbandoned(runs);
  const root = join(runs, `${name}-${process.pid}-${Date.now().toString(36)}`);
  // A copy per test file: the tests change the system; the cached tree stays as built.
  // cp -a, not fs.cpSync: the tree holds device nodes (/dev/null, /dev/ptmx) that only cp copies as nodes.
  execFileSync('cp', ['-a', '--reflink=auto', join(CACHE, image), root]);
  chmodSync(root, 0o755);
  writeFileSync(join(root, 'etc/resolv.conf'), readFileSync('/etc/resolv.conf'));
  let sshd: Sshd;
  try {
    sshd = await startSshd({ extraConfig: [`ChrootDirectory ${root}`, 'PermitTTY no', 'AllowTcpForwarding no', 'X11Forwarding no'] });
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  const entry = { name, address: sshd.host, port: sshd.port, user: sshd.user, os, groups };
  const run = (script: string) =>
    spawnSync('chroot', [root, '/bin/sh', '-c', script], { encoding: 'utf8', env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C', HOME: '/root' }, maxBuffer: 64 * 1024 * 1024 });
  return {
    name,
    root,
    sshd,
    entry,
    host: () => Host.parse({ name, address: sshd.host, port: sshd.port, user: sshd.user, os }),
    sh(script) {
      const r = run(script);
      if (r.status !== 0) throw new Error(`inside ${name}: ${script}\nexit ${r.status}\n${r.stdout}\n${r.stderr}`);
      return r.stdout;
    },
    try(script) {
      const r = run(script);
      return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    },
    file: (path) => join(root, path),
    async stop() {
      await sshd.stop();
      // Anything a test mounted inside goes first, or rm would descend into this machine's /proc.
      for (const mount of mountsUnder(root).reverse()) execFileSync('umount', ['-l', mount]);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Copies left by a test process that was killed before its afterAll (its pid is in the name). */
function removeAbandoned(runs: string): void {
  for (const entry of readdirSync(runs)) {
    const pid = Number(/-(\d+)-[a-z0-9]+$/.exec(entry)?.[1]);
    if (!pid || alive(pid)) continue;
    const root = join(runs, entry);
    for (const mount of mountsUnder(root).reverse()) execFileSync('umount', ['-l', mount]);
    rmSync(root, { recursive: true, force: true });
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function mountsUnder(root: string): string[] {
  return readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .filter((mount) => mount === root || mount.startsWith(`${root}/`));
}
