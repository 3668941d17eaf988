import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOST_PATHS, hostPaths } from './tools/host-state.ts';

export type Isolation = 'namespace' | 'rewrite';

/**
 * Whether bin/enter-namespace works here, tried for real on one host: a private mount namespace
 * needs root with CAP_SYS_ADMIN (often missing in containers), every bind target must exist on
 * this machine (/boot may not) and the root must be remountable read-only. Null when it works,
 * else why not. The real machine is not touched either way: the namespace is private.
 */
export function namespaceProblem(fleetDir: string, hostDir: string): string | null {
  const expected = readFileSync(hostPaths(hostDir).file(HOST_PATHS.bootId), 'utf8').trim();
  // access(2) reports EROFS even to root: `! [ -w / ]` proves the read-only root without writing anything.
  const probe = 'cat /proc/sys/kernel/random/boot_id && ! [ -w / ]';
  const result = spawnSync('unshare', ['--mount', '--propagation', 'private', '--', join(fleetDir, 'bin', 'enter-namespace'), hostPaths(hostDir).root, probe], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', SHELL: '/bin/sh' },
    timeout: 10_000,
  });
  if (result.error) return `unshare could not run: ${result.error.message}`;
  if (result.status !== 0) return `unshare --mount failed (exit ${result.status}): ${result.stderr.trim().split('\n').at(-1) ?? ''}`;
  if (result.stdout.trim() !== expected) return `inside the namespace the boot id is ${result.stdout.trim()}, not the host's ${expected}`;
  return null;
}

/** Resolves `auto` (and checks a requested `namespace`) into the mode this fleet runs in. */
export function chooseIsolation(requested: 'auto' | Isolation, fleetDir: string, hostDir: string): Isolation {
  if (requested === 'rewrite') return 'rewrite';
  const problem = namespaceProblem(fleetDir, hostDir);
  if (problem && requested === 'namespace') throw new Error(`isolation: namespace is not available here: ${problem}`);
  return problem ? 'rewrite' : 'namespace';
}
