import { appendFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One simulated host's package world, shared by the tools that run "on" the host (apt-get,
 * dpkg-query, systemctl… transpiled into the fleet dir, see build-tools.ts) and by the test-side
 * API (index.ts). Only node: builtins here: this file runs under plain node on the host side.
 *
 * Layout of a host dir (`<fleet>/hosts/<name>/`):
 *   root/    the host's own files at their real paths (root/var/tmp, root/run/reboot-required,
 *            root/etc/os-release, root/proc/sys/kernel/random/boot_id, root/var/lib/apt/lists,
 *            root/boot, root/tmp): what the playbooks' absolute paths resolve to on this host
 *   state/   host.json (packages, candidates…), the dpkg lock, the sshd connections, down-until
 *   log/     commands/ (one file per SSH command received) and tools.jsonl (one line per tool call)
 */

export interface Candidate {
  version: string;
  /** The archive suite it comes from: `bookworm-security`, `bookworm-updates`, `bookworm`… */
  suite: string;
  /** Installed packages this version needs upgraded with it (openssl → libssl3:amd64): apt pulls them in. */
  requires?: string[];
}

export interface HostState {
  name: string;
  /** binary:Package (as dpkg-query prints it: `libssl3:amd64`, `bash`) → installed version. */
  installed: Record<string, string>;
  /** Same keys: the version `apt-get update` would have found in the archive. */
  candidates: Record<string, Candidate>;
  /** Versions apt can still install per package (its cache /var/cache/apt/archives): what a rollback can go back to. */
  cached: Record<string, string[]>;
  /** Package → the unit that fails while exactly `version` of the package is installed (an upgrade that broke a service). */
  breaks: Record<string, { unit: string; version: string }>;
  /** Packages whose upgrade asks for a reboot (creates /var/run/reboot-required, as kernel and libc packages do). */
  rebootAfter: string[];
  /** Units failing whatever is installed (a fleet's "harmless" failed unit). */
  failedUnits: string[];
  /** The running kernel release (`uname -r`). */
  kernel: string;
}

/** Paths under `root/`, the host's file system as its commands see it. */
export const HOST_PATHS = {
  varTmp: 'var/tmp',
  run: 'run',
  rebootRequired: 'run/reboot-required',
  osRelease: 'etc/os-release',
  bootId: 'proc/sys/kernel/random/boot_id',
  aptLists: 'var/lib/apt/lists',
  boot: 'boot',
  tmp: 'tmp',
} as const;

export const hostPaths = (hostDir: string) => ({
  root: join(hostDir, 'root'),
  file: (path: string) => join(hostDir, 'root', path),
  state: join(hostDir, 'state', 'host.json'),
  lock: join(hostDir, 'state', 'dpkg.lock.d'),
  connections: join(hostDir, 'state', 'connections'),
  downUntil: join(hostDir, 'state', 'down-until'),
  commands: join(hostDir, 'log', 'commands'),
  tools: join(hostDir, 'log', 'tools.jsonl'),
});

export const readState = (hostDir: string): HostState => JSON.parse(readFileSync(hostPaths(hostDir).state, 'utf8')) as HostState;

/** Atomic (write then rename): a concurrent reader sees the old state or the new, never half. */
export const writeState = (hostDir: string, state: HostState): void => {
  const path = hostPaths(hostDir).state;
  writeFileSync(`${path}.${process.pid}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${path}.${process.pid}.tmp`, path);
};

export const logToolCall = (hostDir: string, tool: string, args: readonly string[]): void => {
  appendFileSync(hostPaths(hostDir).tools, `${JSON.stringify({ at: Date.now(), tool, args })}\n`);
};

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * The host's dpkg lock: a directory (mkdir is atomic, node has no flock), holding the owner's pid
 * so a lock left by a killed process is taken over. Returns the release function, or null when
 * another live process still holds it after `timeoutMs` (apt's DPkg::Lock::Timeout).
 */
export const takeLock = (hostDir: string, timeoutMs: number): { release: () => void } | { heldBy: number } => {
  const dir = hostPaths(hostDir).lock;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, 'pid'), String(process.pid));
      return { release: () => rmSync(dir, { recursive: true, force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let owner = 0;
    try {
      owner = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    } catch {
      // Created but the pid not written yet: treat as held.
    }
    if (owner && !isAlive(owner)) {
      rmSync(dir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() >= deadline) return { heldBy: owner };
    pause(50);
  }
};

/** The units failing now: the always-failing ones plus those a broken package version takes down. */
export const failedUnits = (state: HostState): string[] => {
  const broken = Object.entries(state.breaks)
    .filter(([pkg, b]) => state.installed[pkg] === b.version)
    .map(([, b]) => b.unit);
  return [...new Set([...state.failedUnits, ...broken])].sort();
};
