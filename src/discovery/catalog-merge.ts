import type { ClaimFloor, Patch, PatchClaim, Severity } from './patch.ts';
import { boundCves, boundTitle, MAX_CVES } from './patch-bounds.ts';
import type { StoredPatch } from './scan-deps.ts';

/**
 * How one host's report of a patch meets the catalog every host shares. Managed hosts may be
 * hostile (DESIGN §8): a host's report is that host's fact, so no single report decides for the
 * others, and the catalog keeps both ends of what the hosts said:
 * - the STRONGEST claim (severity, security flag, reboot hint, CVEs): it only ever grows. It is
 *   what WARNS — compliance, SLA clocks, the digest's urgency — where erring high is safe.
 * - the WEAKEST claim (`floor`: severity and security): it only ever sinks. It is what GRANTS —
 *   the patches a pre-approved (standard) schedule picks up with no person's vote
 *   (src/rollouts/run/schedule-selection.ts). One host calling a patch critical cannot make it
 *   skip approval everywhere; the most it can do is make it need a person's approval.
 * The title is the first one stored; titles hold no per-host facts (src/discovery/parsers), so
 * honest hosts send the same one. A report weaker than the strongest claim, or titled otherwise,
 * is a disagreement, kept with the host in the audit log. The store's upsert applies the same
 * rules in SQL, atomically, whichever process writes (adapters/postgres/discovery-repos.ts).
 * Whatever reports a patch, what the catalog holds stays within patch-bounds.ts: a title of at
 * most MAX_TITLE characters, at most MAX_CVES CVE ids (the first ones stored), none over-long.
 */
export const SEVERITY_RANK: Record<Severity, number> = { unknown: 0, low: 1, moderate: 2, important: 3, critical: 4 };

/** `p` within the catalog's bounds: a one-line title, clipped, and at most MAX_CVES valid CVE ids. */
export const boundPatch = <P extends Patch>(p: P): P => ({ ...p, title: boundTitle(p.title), cves: boundCves(p.cves).cves });

/** The weaker of two claims: the lower severity, security only when both say so. */
export const weakerClaim = (a: ClaimFloor, b: ClaimFloor): ClaimFloor => ({
  severity: SEVERITY_RANK[b.severity] < SEVERITY_RANK[a.severity] ? b.severity : a.severity,
  security: a.security && b.security,
});

/** The weakest claim `p` stands for: its own, or the floor it carries when it merges several reports (never above its own claim). */
export const floorOf = (p: PatchClaim): ClaimFloor => weakerClaim({ severity: p.severity, security: p.security }, p.floor ?? p);

/** True when `p` claims less than the weakest claim stored: the floor must sink. No allocation: it runs for every patch of every host. */
const lowersFloor = (stored: StoredPatch, p: PatchClaim): boolean => {
  const rank = Math.min(SEVERITY_RANK[p.severity], p.floor ? SEVERITY_RANK[p.floor.severity] : Infinity);
  const security = p.security && (p.floor?.security ?? true);
  return rank < SEVERITY_RANK[stored.floor.severity] || (stored.floor.security && !security);
};

/**
 * True when `p` would change nothing in `stored`: neither strengthens it nor lowers its floor, so
 * the store need not be asked. A full CVE list takes no more.
 */
export const addsNothing = (stored: StoredPatch | undefined, p: PatchClaim): boolean =>
  stored !== undefined &&
  SEVERITY_RANK[p.severity] <= SEVERITY_RANK[stored.severity] &&
  (!p.security || stored.security) &&
  (!p.rebootHint || stored.rebootHint) &&
  (stored.cves.length >= MAX_CVES || p.cves.every((cve) => stored.cves.includes(cve))) &&
  !lowersFloor(stored, p);

/** The catalog's metadata after `p` was reported: the strongest of both, the weakest claim of both, the first title. */
export const mergeClaim = (stored: StoredPatch | undefined, p: PatchClaim): StoredPatch => {
  const bounded = boundPatch(p);
  if (!stored) return { title: bounded.title, severity: p.severity, security: p.security, cves: bounded.cves, rebootHint: p.rebootHint, floor: floorOf(p) };
  return {
    title: stored.title,
    severity: SEVERITY_RANK[p.severity] > SEVERITY_RANK[stored.severity] ? p.severity : stored.severity,
    security: stored.security || p.security,
    cves: [...stored.cves, ...bounded.cves.filter((cve) => !stored.cves.includes(cve))].slice(0, MAX_CVES),
    rebootHint: stored.rebootHint || p.rebootHint,
    floor: weakerClaim(stored.floor, floorOf(p)),
  };
};

export interface Disagreement {
  patch: string;
  reported: { title?: string; severity?: Severity; security?: boolean };
  catalog: { title?: string; severity?: Severity; security?: boolean };
}

/** What a host said that the catalog keeps stronger (or titled otherwise); null when it agrees. */
export const disagreement = (stored: StoredPatch | undefined, p: Patch): Disagreement | null => {
  if (!stored) return null;
  const reported: Disagreement['reported'] = {};
  const catalog: Disagreement['catalog'] = {};
  if (SEVERITY_RANK[p.severity] < SEVERITY_RANK[stored.severity]) [reported.severity, catalog.severity] = [p.severity, stored.severity];
  if (stored.security && !p.security) [reported.security, catalog.security] = [false, true];
  if (p.title !== stored.title) [reported.title, catalog.title] = [p.title, stored.title];
  return Object.keys(reported).length ? { patch: p.id, reported, catalog } : null;
};
