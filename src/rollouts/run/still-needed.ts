import { type Finding, NEEDS_PATCH } from '../../discovery/patch.ts';

/** `deb:openssl@3.0.13-1` → `deb:openssl`: a plain package update's package, null for an advisory or a KB. */
const packageOf = (patchId: string): string | null => /^((?:deb|rpm):[^@]+)@/.exec(patchId)?.[1] ?? null;

/**
 * The change's patches a host still has to get, from its findings. A missing (or failed) finding
 * needs it. So does an approved package version the scans stopped listing at the moment they began
 * to list a newer one of the same package (DESIGN §8): a scan cannot tell whether the host now has
 * it or the mirror replaced it (it marks any finding it no longer lists installed), and calling it
 * "did not need it" would leave the host on the old version and the change completed. The apply
 * playbook then decides: "already at the approved version", or it fails the host with "approved X,
 * the host's repositories now offer Y". A newer version listed only after the approved one was
 * seen installed is the next update, not this change's business.
 */
export const stillNeeded = (patches: readonly string[], findings: readonly Finding[]): string[] =>
  findings
    .filter((finding) => {
      if (!patches.includes(finding.patchId)) return false;
      if (NEEDS_PATCH.includes(finding.state)) return true;
      const pkg = packageOf(finding.patchId);
      if (finding.state !== 'installed' || pkg === null) return false;
      return findings.some((f) => f.patchId !== finding.patchId && packageOf(f.patchId) === pkg && NEEDS_PATCH.includes(f.state) && f.firstSeen <= finding.lastSeen);
    })
    .map((f) => f.patchId);
