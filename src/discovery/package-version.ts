import type { FindingInput } from './discovery-store.ts';

/** `deb:openssl@3.0.13-1` → `deb:openssl`: a plain package update's package, null for an advisory or a KB. */
export const packageOf = (patchId: string): string | null => /^((?:deb|rpm):[^@]+)@/.exec(patchId)?.[1] ?? null;

/** `KB5034441`: a Windows update, which has no package or version (its successor, when known, comes from UpdateIDs: finding-close.ts). */
export const isKbId = (patchId: string): boolean => /^KB\d+$/.test(patchId);

/** `deb:openssl@3.0.13-1` → `3.0.13-1`: a plain package update's version, null for an advisory or a KB. */
export const versionOf = (patchId: string): string | null => /^(?:deb|rpm):[^@]+@(.+)$/.exec(patchId)?.[1] ?? null;

/**
 * What a host runs of each listed package (FindingInput.installed), in the findings' order, as one
 * tab-separated text ('' where the scan did not say): what the writers compare a version that drops
 * out of the report with (adapters/postgres/finding-close.ts). One JSON string per host costs the
 * scan writer's statement far less to read than an object or array of them. Null when none is known.
 */
export const installedColumn = (findings: readonly FindingInput[]): string | null => {
  if (!findings.some((f) => f.installed !== undefined)) return null;
  // A version never holds a tab or a line break (PATCH_ID); one that does is not known.
  return findings.map((f) => (f.installed === undefined || /[\t\n]/.test(f.installed) ? '' : f.installed)).join('\t');
};
