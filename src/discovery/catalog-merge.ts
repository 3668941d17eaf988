import type { Patch, Severity } from './patch.ts';
import { boundCves, boundTitle, MAX_CVES } from './patch-bounds.ts';
import type { StoredPatch } from './scan-deps.ts';

/**
 * How one host's report of a patch meets the catalog every host shares. Managed hosts may be
 * hostile (DESIGN §8): a host's report is that host's fact, and it may make the catalog stronger
 * (a higher severity, the security flag, a reboot hint, more CVEs) but never weaker. The title is
 * the first one stored. Reports that would weaken it are disagreements, kept with the host.
 * The store's upsert applies the same rule in SQL (adapters/postgres/discovery-repos.ts).
 * Whatever reports a patch, what the catalog holds stays within patch-bounds.ts: a title of at
 * most MAX_TITLE characters, at most MAX_CVES CVE ids (the first ones stored), none over-long.
 */
export const SEVERITY_RANK: Record<Severity, number> = { unknown: 0, low: 1, moderate: 2, important: 3, critical: 4 };

/** `p` within the catalog's bounds: a one-line title, clipped, and at most MAX_CVES valid CVE ids. */
export const boundPatch = (p: Patch): Patch => ({ ...p, title: boundTitle(p.title), cves: boundCves(p.cves).cves });

/** True when `p` would add nothing to `stored`: the store need not be asked. A full CVE list takes no more. */
export const addsNothing = (stored: StoredPatch | undefined, p: Patch): boolean =>
  stored !== undefined &&
  SEVERITY_RANK[p.severity] <= SEVERITY_RANK[stored.severity] &&
  (!p.security || stored.security) &&
  (!p.rebootHint || stored.rebootHint) &&
  (stored.cves.length >= MAX_CVES || p.cves.every((cve) => stored.cves.includes(cve)));

/** The catalog's metadata after `p` was reported: the strongest of both, the first title. */
export const strongest = (stored: StoredPatch | undefined, p: Patch): StoredPatch => {
  const bounded = boundPatch(p);
  if (!stored) return { title: bounded.title, severity: p.severity, security: p.security, cves: bounded.cves, rebootHint: p.rebootHint };
  return {
    title: stored.title,
    severity: SEVERITY_RANK[p.severity] > SEVERITY_RANK[stored.severity] ? p.severity : stored.severity,
    security: stored.security || p.security,
    cves: [...stored.cves, ...bounded.cves.filter((cve) => !stored.cves.includes(cve))].slice(0, MAX_CVES),
    rebootHint: stored.rebootHint || p.rebootHint,
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
