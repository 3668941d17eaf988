import { spawnSync } from 'node:child_process';

/**
 * Version pairs that exercise RPM's order (rpmvercmp): tildes and carets, epochs, dist tags with
 * underscores, leading zeros, letters against digits, separators that do not count, numbers past
 * 64 bits. Every implementation of the order in the project (compareRpmVersions, migration 021's
 * rpm_version_cmp) is checked on them, and against rpm itself where it is installed.
 */
export const RPM_VERSION_PAIRS: [string, string][] = [
  ['1.0-1', '1.0-1'],
  ['1.0-1', '2.0-1'],
  ['2.0.1-1', '2.0-1'],
  ['1.0a-1', '1.0-1'],
  ['1.0-1', '1.0.0-1'],
  ['1.0~rc1-1', '1.0-1'],
  ['1.0~rc1-1', '1.0~rc2-1'],
  ['1.0^git1-1', '1.0-1'],
  ['1.0^git1-1', '1.0.1-1'],
  ['1.0~rc1^git1-1', '1.0~rc1-1'],
  ['1:1.0-1', '2.0-1'],
  ['0:1.0-1', '1.0-1'],
  ['1.0-1', '1.0-1.el9'],
  ['2.34-100.el9', '2.34-100.el9_4.2'],
  ['1.2.11-40.el9', '1.2.11-41.el9'],
  ['1.0-1', '1.0'],
  ['10-1', '9-1'],
  ['010-1', '10-1'],
  ['1.0a-1', '1.0b-1'],
  ['abc-1', '1-1'],
  ['1.0_1-1', '1.0.1-1'],
  ['3.0.7-27.el9', '3.0.7-27.el9_4'],
  ['1.0-1.fc40', '1.0-1.fc39'],
  ['5.14.0-427.13.1.el9_4', '5.14.0-427.el9'],
  ['2.0+git-1', '2.0-1'],
  ['1.0-1~beta', '1.0-1'],
  ['1.0A-1', '1.0a-1'],
  ['1.01-1', '1.1-1'],
  ['12345678901234567890-1', '12345678901234567891-1'],
  ['1:3.0.7-28.el9_4', '1:3.0.7-29.el9_4'],
  ['2:1.0-1', '10:0.1-1'],
];

export const hasRpm = spawnSync('rpm', ['--version'], { stdio: 'ignore' }).status === 0;

/** rpm's own comparison of two `[epoch:]version-release` strings (its Lua rpm.vercmp) as -1, 0 or 1. */
export const rpmOrder = (a: string, b: string): number => {
  const out = spawnSync('rpm', ['--eval', `%{lua: print(rpm.vercmp('${a}', '${b}'))}`], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`rpm --eval failed: ${out.stderr}`);
  return Math.sign(Number(out.stdout.trim()));
};
