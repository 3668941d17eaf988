import { type Action, archOf, displayName, kindOf, type Plan } from './apt-plan.ts';
import type { HostState } from './host-state.ts';

/**
 * apt-get's English output (LC_ALL=C, apt 2.6 as on Debian 12) for what the simulator does:
 * the package lists, the classic summary line and the `Inst`/`Conf` lines of a simulation, which
 * src/discovery/parsers/apt-simulate.ts reads.
 */

export interface OsInfo {
  id: string;
  versionId: string;
  codename: string;
}

export const parseOsRelease = (text: string): OsInfo => {
  const field = (name: string) => new RegExp(`^${name}="?([^"\\n]*)"?$`, 'm').exec(text)?.[1] ?? '';
  return { id: field('ID'), versionId: field('VERSION_ID'), codename: field('VERSION_CODENAME') };
};

/** `Debian:12/bookworm-updates`, `Debian-Security:12/bookworm-security`, `Ubuntu:22.04/jammy-security`. */
export const originOf = (os: OsInfo, suite: string): string => {
  if (os.id === 'ubuntu') return `Ubuntu:${os.versionId}/${suite}`;
  return suite.endsWith('-security') ? `Debian-Security:${os.versionId.split('.')[0]}/${suite}` : `Debian:${os.versionId}/${suite}`;
};

export const READING = ['Reading package lists...', 'Building dependency tree...', 'Reading state information...'];

export const SIMULATION_NOTE = [
  'NOTE: This is only a simulation!',
  '      apt-get needs root privileges for real execution.',
  '      Keep also in mind that locking is deactivated,',
  "      so don't depend on the relevance to the real current situation!",
];

/** apt's indented, wrapped package lists. */
const wrapped = (names: string[]): string[] => {
  const lines: string[] = [];
  let line = ' ';
  for (const name of names) {
    if (line.length + 1 + name.length > 79 && line.trim()) {
      lines.push(line);
      line = ' ';
    }
    line += ` ${name}`;
  }
  if (line.trim()) lines.push(line);
  return lines;
};

export function planLines(plan: Plan): string[] {
  const of = (kind: ReturnType<typeof kindOf>) => plan.actions.filter((a) => kindOf(a) === kind).map((a) => displayName(a.key));
  const lines = [...plan.notes];
  const section = (title: string, names: string[]) => {
    if (names.length) lines.push(title, ...wrapped(names));
  };
  section('The following additional packages will be installed:', plan.additional.map(displayName));
  section('The following NEW packages will be installed:', of('new'));
  section('The following packages will be upgraded:', of('upgrade'));
  section('The following packages will be DOWNGRADED:', of('downgrade'));
  const downgraded = of('downgrade').length;
  lines.push(`${of('upgrade').length} upgraded, ${of('new').length} newly installed, ${downgraded ? `${downgraded} downgraded, ` : ''}0 to remove and ${plan.notUpgraded} not upgraded.`);
  return lines;
}

/** The `Inst`/`Conf` pair apt -s prints per package. */
export function simulationLines(state: HostState, os: OsInfo, actions: readonly Action[]): string[] {
  return actions.flatMap((action) => {
    const candidate = state.candidates[action.key];
    // An older version (a rollback) comes from the release's main suite or apt's cache.
    const suite = candidate?.version === action.to ? candidate.suite : os.codename;
    const target = `(${action.to} ${originOf(os, suite)} [${archOf(action.key)}])`;
    const name = displayName(action.key);
    const installed = action.from === null ? '' : ` [${action.from}]`;
    return [`Inst ${name}${installed} ${target}`, `Conf ${name} ${target}`];
  });
}

/** What dpkg prints while apt-get install runs it. */
export function dpkgLines(actions: readonly Action[]): string[] {
  const lines = ['(Reading database ... 23456 files and directories currently installed.)'];
  for (const a of actions) {
    const name = displayName(a.key);
    const deb = `${name.split(':')[0]}_${a.to.replace(/^\d+:/, '')}_${archOf(a.key)}.deb`;
    if (a.from === null) lines.push(`Selecting previously unselected package ${name}.`);
    lines.push(`Preparing to unpack .../${deb} ...`);
    lines.push(a.from === null ? `Unpacking ${name} (${a.to}) ...` : `Unpacking ${name} (${a.to}) over (${a.from}) ...`);
  }
  for (const a of actions) lines.push(`Setting up ${displayName(a.key)} (${a.to}) ...`);
  return lines;
}
