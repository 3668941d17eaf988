import { type Finding, NEEDS_PATCH } from '../../discovery/patch.ts';

/**
 * Whether what superseded this finding (or what superseded that…) is in effect on the host: then
 * the host has a newer version of the package than the one superseded. A chain is followed once.
 */
const newerInEffect = (finding: Finding, byId: ReadonlyMap<string, Finding>): boolean => {
  const visited = new Set<string>();
  let current: Finding | undefined = finding;
  while (current?.state === 'superseded' && current.supersededBy !== undefined && !visited.has(current.patchId)) {
    visited.add(current.patchId);
    current = byId.get(current.supersededBy);
  }
  return current !== undefined && (current.state === 'installed' || current.state === 'pending-reboot');
};

/**
 * The change's patches a host still has to get, from its findings. A missing (or failed) finding
 * needs it. So does a superseded one: the mirror replaced the approved version before the host got
 * it (DESIGN §8), and "did not need it" would leave the host on the old version and the change
 * completed; the apply playbook then fails the host with "approved X, the host's repositories now
 * offer Y". Unless the host has since got what superseded it. So for a KB superseded by a newer
 * cumulative update: when the scans named that update (UpdateIDs) and the host has it, not needed;
 * otherwise (not yet installed, or no successor known) it stays needed, and apply-windows-kb fails
 * the host with "not offered by Windows Update and not installed", which is the truth, where "did
 * not need it" would not be. The scans store that state
 * (adapters/postgres/finding-close.ts); findings stored before it existed were given it by
 * migration 020, by the rule this function applied to them until then (a version stored installed
 * by the scan that first listed a newer one still open), so the state is the whole story.
 */
export const stillNeeded = (patches: readonly string[], findings: readonly Finding[]): string[] => {
  const byId = new Map(findings.map((f) => [f.patchId, f]));
  return findings.filter((f) => patches.includes(f.patchId) && (NEEDS_PATCH.includes(f.state) || (f.state === 'superseded' && !newerInEffect(f, byId)))).map((f) => f.patchId);
};
