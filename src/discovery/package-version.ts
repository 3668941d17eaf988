import type { FindingInput } from './discovery-store.ts';

/** `deb:openssl@3.0.13-1` → `deb:openssl`: a plain package update's package, null for an advisory or a KB. */
export const packageOf = (patchId: string): string | null => /^((?:deb|rpm):[^@]+)@/.exec(patchId)?.[1] ?? null;

/** `deb:openssl@3.0.13-1` → `3.0.13-1`: a plain package update's version, null for an advisory or a KB. */
export const versionOf = (patchId: string): string | null => /^(?:deb|rpm):[^@]+@(.+)$/.exec(patchId)?.[1] ?? null;

/**
 * What a host runs of the packages its report lists (FindingInput.installed), by package
 * (`deb:libbar1` → `1.0-1`): what the writers of findings compare a version that drops out of the
 * report with (adapters/postgres/finding-close.ts). Null when the report says none.
 */
export const installedVersions = (findings: readonly FindingInput[]): Record<string, string> | null => {
  let versions: Record<string, string> | null = null;
  for (const f of findings) {
    const pkg = f.installed === undefined ? null : packageOf(f.patchId);
    if (pkg !== null) (versions ??= {})[pkg] = f.installed!;
  }
  return versions;
};
