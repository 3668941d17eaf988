import { spawnSync } from 'node:child_process';

/**
 * Version pairs that exercise Debian's order (deb-version(7)): tildes, epochs, revisions with
 * hyphens, +bN rebuilds, letters against digits. Every implementation of the order in the project
 * (the fleet simulator's compareVersions, migration 020's deb_version_cmp) is checked on them, and
 * against dpkg itself where it is installed.
 */
export const VERSION_PAIRS: [string, string][] = [
  ['1.0', '1.0'],
  ['1.0~rc1', '1.0'],
  ['1.0', '1.0+b1'],
  ['1.0-1', '1.0-1~deb12u1'],
  ['3.0.11-1~deb12u2', '3.0.13-1~deb12u1'],
  ['1:2.0', '3.0'],
  ['2.36-9+deb12u4', '2.36-9+deb12u10'],
  ['1.22.1-9', '1.22.1-9+deb12u1'],
  ['5.2.15-2+b2', '5.2.15-2+b7'],
  ['1.0-1+b2', '1.0-1+b10'],
  ['2024a-0+deb12u1', '2025b-0+deb12u1'],
  ['1.0a', '1.0'],
  ['1.0.0', '1.0'],
  ['0.9', '0.10'],
  ['1.0~~', '1.0~'],
  ['1.0-0', '1.0'],
  ['7.88.1-10+deb12u5', '7.88.1-10+deb12u12'],
  ['1.2-1', '1.2-1+patchbot1'],
  ['2:1.0', '10:0.1'],
  ['1.0-1-2', '1.0-1-10'],
  ['1.0a', '1.0A'],
  ['1.0+dfsg', '1.0.dfsg'],
];

export const hasDpkg = spawnSync('dpkg', ['--version'], { stdio: 'ignore' }).status === 0;

/** dpkg --compare-versions as -1, 0 or 1. */
export const dpkgOrder = (a: string, b: string): number =>
  spawnSync('dpkg', ['--compare-versions', a, 'lt', b]).status === 0 ? -1 : spawnSync('dpkg', ['--compare-versions', a, 'eq', b]).status === 0 ? 0 : 1;
