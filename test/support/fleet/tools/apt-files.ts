import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { archOf, displayName } from './apt-plan.ts';
import { hostPaths, type HostState } from './host-state.ts';
import type { ToolContext } from './tool-context.ts';

/**
 * Package files, as far as the apply and rollback playbooks use them: `apt-get download
 * name=version` (into the working directory) and `apt-get install /path/to/file.deb`. A simulated
 * .deb holds one line, `binary:Package=version`. The archive offers what apt can reach: the
 * candidate and the versions still in `cached` (a version the test "forgets" is gone from both).
 */

/** apt's file name: name_version_arch.deb, the epoch's colon written %3a. */
export const debFileName = (key: string, version: string): string => `${displayName(key).split(':')[0]}_${version.replace(':', '%3a')}_${archOf(key)}.deb`;

/** Apt's cache directory on this host, what `apt-config shell X Dir::Cache::archives/d` names. */
export const archivesDir = (ctx: ToolContext): string => hostPaths(ctx.hostDir).file('var/cache/apt/archives');

export const inReach = (state: HostState, key: string): string[] => [...new Set([...(state.cached[key] ?? []), state.candidates[key]?.version].filter((v): v is string => v !== undefined))];

/** `apt-get download word…`: each word `name[:arch]=version` or `name`; files land in the cwd. */
export function download(ctx: ToolContext, state: HostState, words: readonly string[]): number {
  if (words.length === 0) {
    ctx.err('E: Must specify at least one package to download');
    return 100;
  }
  const files: Array<[string, string]> = [];
  for (const word of words) {
    const m = /^([a-z0-9][a-z0-9+.-]+(?::[a-z0-9-]+)?)(?:=(.+))?$/.exec(word);
    const key = m ? ([m[1]!, `${m[1]!}:amd64`].find((k) => k in state.installed || k in state.candidates) ?? Object.keys(state.installed).find((k) => k.split(':')[0] === m[1])) : undefined;
    if (!m || !key) {
      ctx.err(`E: Unable to locate package ${word}`);
      return 100;
    }
    const version = m[2] ?? state.candidates[key]?.version ?? state.installed[key]!;
    if (!inReach(state, key).includes(version)) {
      ctx.err(`E: Can't find a source to download version '${version}' of '${displayName(key)}:${archOf(key)}'`);
      return 100;
    }
    files.push([debFileName(key, version), `${key}=${version}\n`]);
  }
  for (const [name, text] of files) {
    writeFileSync(join(process.cwd(), name), text);
    ctx.out(`Get:1 http://deb.debian.org/debian ${name}`);
  }
  return 0;
}

/** `apt-get install /x/y.deb`: the file's package and version, installable whatever the archive says. */
export function fromFiles(state: HostState, words: readonly string[]): { words: string[]; problem: string | null } {
  const out: string[] = [];
  for (const word of words) {
    if (!(word.includes('/') && word.endsWith('.deb'))) {
      out.push(word);
      continue;
    }
    if (!existsSync(word)) return { words: [], problem: `E: Unsupported file ${word} given on commandline` };
    const m = /^([^=\s]+)=(\S+)$/.exec(readFileSync(word, 'utf8').trim());
    if (!m) return { words: [], problem: `E: Invalid archive signature (${word} is not a package file)` };
    state.cached[m[1]!] = [...new Set([...(state.cached[m[1]!] ?? []), m[2]!])];
    out.push(`${m[1]!}=${m[2]!}`);
  }
  return { words: out, problem: null };
}
