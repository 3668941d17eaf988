import { compareVersions } from './debian-version.ts';
import type { HostState } from './host-state.ts';

/** One package apt would act on: `from` null for a new install. */
export interface Action {
  key: string;
  from: string | null;
  to: string;
}

export interface Plan {
  actions: Action[];
  /** Lines apt prints while resolving (`Skipping…`, `… is already the newest version`). */
  notes: string[];
  /** Packages pulled in by others (apt's "additional packages"). */
  additional: string[];
  /** Installed packages with a newer candidate that this run leaves alone. */
  notUpgraded: number;
}

export class AptError extends Error {}

export const NATIVE_ARCH = 'amd64';

/** How apt names a package in its output: native-architecture packages without their `:arch`. */
export const displayName = (key: string): string => key.replace(new RegExp(`:${NATIVE_ARCH}$`), '');
export const archOf = (key: string): string => /:([a-z0-9-]+)$/.exec(key)?.[1] ?? NATIVE_ARCH;
const baseName = (key: string): string => key.replace(/:[a-z0-9-]+$/, '');

const newer = (state: HostState, key: string): string | null => {
  const candidate = state.candidates[key];
  const installed = state.installed[key];
  if (!candidate || installed === undefined) return null;
  return compareVersions(candidate.version, installed) > 0 ? candidate.version : null;
};

/** dist-upgrade: every installed package with a newer candidate. */
export function upgradeAll(state: HostState): Plan {
  const actions = Object.keys(state.installed)
    .sort()
    .flatMap((key) => {
      const to = newer(state, key);
      return to ? [{ key, from: state.installed[key]!, to }] : [];
    });
  return { actions, notes: [], additional: [], notUpgraded: 0 };
}

/** `name`, `name:arch`, `name=version` or `name:arch=version`, matched against the host's packages. */
function findKey(state: HostState, name: string, arch: string | undefined): string | null {
  const keys = [...new Set([...Object.keys(state.installed), ...Object.keys(state.candidates)])];
  if (arch) return keys.find((k) => k === `${name}:${arch}` || (arch === NATIVE_ARCH && k === name)) ?? null;
  return keys.find((k) => k === name) ?? keys.find((k) => baseName(k) === name) ?? null;
}

/** `apt-get install` with the given words; throws AptError with apt's own message for what apt refuses. */
export function planInstall(state: HostState, words: readonly string[], onlyUpgrade: boolean): Plan {
  if (words.length === 0) return { actions: [], notes: [], additional: [], notUpgraded: upgradeAll(state).actions.length };
  const chosen = new Map<string, Action>();
  const notes: string[] = [];
  const additional: string[] = [];
  const choose = (key: string, to: string) => {
    const from = state.installed[key] ?? null;
    if (from === to) return false;
    chosen.set(key, { key, from, to });
    return true;
  };
  // A new version's dependencies come along: apt upgrades what the new version requires.
  const pullRequired = (key: string) => {
    for (const required of state.candidates[key]?.requires ?? []) {
      const requiredTo = newer(state, required);
      if (requiredTo && !chosen.has(required) && choose(required, requiredTo)) additional.push(required);
    }
  };
  for (const word of words) {
    const m = /^([a-z0-9][a-z0-9+.-]+)(?::([a-z0-9-]+))?(?:=(.+))?$/.exec(word);
    const key = m ? findKey(state, m[1]!, m[2]) : null;
    if (!m || !key) throw new AptError(`E: Unable to locate package ${m?.[1] ?? word}`);
    const [, name, , version] = m;
    const installed = state.installed[key];
    if (version !== undefined) {
      const known = new Set([...(state.cached[key] ?? []), installed, state.candidates[key]?.version].filter((v): v is string => v !== undefined));
      if (!known.has(version)) throw new AptError(`E: Version '${version}' for '${name}' was not found`);
      if (!choose(key, version)) notes.push(`${name} is already the newest version (${version}).`);
      // The candidate's dependencies come along, as below: openssl=<new> needs libssl3 at <new>.
      else if (state.candidates[key]?.version === version) pullRequired(key);
      continue;
    }
    if (installed === undefined) {
      if (onlyUpgrade) notes.push(`Skipping ${name}, it is not installed and only upgrades are requested.`);
      else choose(key, state.candidates[key]!.version);
      continue;
    }
    const to = newer(state, key);
    if (!to) {
      notes.push(`${name} is already the newest version (${installed}).`);
      continue;
    }
    choose(key, to);
    pullRequired(key);
  }
  const actions = [...chosen.values()].sort((a, b) => a.key.localeCompare(b.key));
  const notUpgraded = upgradeAll(state).actions.filter((a) => !chosen.has(a.key)).length;
  return { actions, notes, additional: additional.filter((k) => !words.some((w) => w.split('=')[0] === displayName(k) || w.split('=')[0] === k)), notUpgraded };
}

/** Plans never hold a no-op (from === to): choose() skips those. */
export const kindOf = (action: Action): 'new' | 'upgrade' | 'downgrade' => {
  if (action.from === null) return 'new';
  return compareVersions(action.to, action.from) > 0 ? 'upgrade' : 'downgrade';
};
