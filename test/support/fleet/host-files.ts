import { randomUUID } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEBIAN_12, type FleetHostSpec, UBUNTU_2204 } from './fleet-spec.ts';
import { LISTS_FILE } from './tools/apt-get.ts';
import { parseOsRelease } from './tools/apt-output.ts';
import { HOST_PATHS, hostPaths, type HostState, writeState } from './tools/host-state.ts';

export const DEFAULT_KERNEL = '6.1.0-18-amd64';

/** The state a spec describes: every installed version and candidate is in apt's reach from the start. */
export function initialState(spec: FleetHostSpec): HostState {
  const candidates = spec.candidates ?? {};
  const cached: Record<string, string[]> = {};
  for (const [pkg, version] of Object.entries(spec.installed)) cached[pkg] = [version];
  const breaks: HostState['breaks'] = {};
  for (const [pkg, unit] of Object.entries(spec.breaksOnUpgrade ?? {})) breaks[pkg] = { unit, version: candidates[pkg]!.version };
  return {
    name: spec.name,
    installed: { ...spec.installed },
    candidates: structuredClone(candidates),
    cached,
    breaks,
    rebootAfter: [...(spec.rebootAfter ?? [])],
    failedUnits: [...(spec.failedUnits ?? [])],
    kernel: spec.kernel ?? DEFAULT_KERNEL,
  };
}

/** Lays out `<fleet>/hosts/<name>/`: the host's root (its files at their real paths), state and logs. */
export function createHostDir(hostDir: string, spec: FleetHostSpec): void {
  const paths = hostPaths(hostDir);
  for (const dir of [HOST_PATHS.varTmp, HOST_PATHS.run, 'etc', 'proc/sys/kernel/random', HOST_PATHS.aptLists, HOST_PATHS.boot, HOST_PATHS.tmp, 'var/cache/apt/archives']) {
    mkdirSync(paths.file(dir), { recursive: true });
  }
  // As on Debian since 2011: /var/run is a symlink to /run.
  symlinkSync('../run', paths.file('var/run'));
  mkdirSync(join(hostDir, 'state'), { recursive: true });
  mkdirSync(paths.commands, { recursive: true });
  const osRelease = spec.osRelease ?? (spec.os === 'ubuntu' ? UBUNTU_2204 : DEBIAN_12);
  writeFileSync(paths.file(HOST_PATHS.osRelease), osRelease);
  writeFileSync(paths.file(HOST_PATHS.bootId), `${randomUUID()}\n`);
  const state = initialState(spec);
  writeFileSync(paths.file(`${HOST_PATHS.boot}/vmlinuz-${state.kernel}`), '');
  writeFileSync(paths.file(`${HOST_PATHS.aptLists}/${LISTS_FILE(parseOsRelease(osRelease).codename)}`), '');
  writeFileSync(paths.connections, '');
  writeFileSync(paths.tools, '');
  writeState(hostDir, state);
}
