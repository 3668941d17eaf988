import { z } from 'zod';

export const Severity = z.enum(['critical', 'important', 'moderate', 'low', 'unknown']);
export type Severity = z.infer<typeof Severity>;

/**
 * Canonical patch ids: KB5034441, DSA-5600-1, USN-6600-1, RHSA-2024:1234,
 * or deb:openssl@3.0.13-1~deb12u1 / rpm:glibc@2.34-100.el9 for a plain package update.
 */
export const PATCH_ID = /^(KB\d{6,8}|DSA-\d+-\d+|DLA-\d+-\d+|USN-\d+-\d+|RH[SBE]A-\d{4}:\d+|(ALSA|RLSA|ELSA|FEDORA)-[\w:-]+|(deb|rpm):[A-Za-z0-9][A-Za-z0-9+._-]*@[A-Za-z0-9+.:~^_-]+)$/;
/**
 * Longest patch id: Debian and RPM package names and versions run to ~100 characters together; a
 * longer id comes from a hostile or garbled scan, and would be stored in every finding of it.
 */
export const MAX_PATCH_ID = 200;
export const PatchId = z
  .string()
  .max(MAX_PATCH_ID, `a patch id is at most ${MAX_PATCH_ID} characters`)
  .regex(PATCH_ID, 'not a patch id (KB5034441, DSA-5600-1, USN-6600-1, RHSA-2024:1234, deb:pkg@version)');
/** PatchId's test without zod's result objects: parsers check every line of a scan with it. */
export const isPatchId = (id: string): boolean => id.length <= MAX_PATCH_ID && PATCH_ID.test(id);
export type PatchId = z.infer<typeof PatchId>;

export const Patch = z.object({
  id: PatchId,
  title: z.string(),
  severity: Severity,
  security: z.boolean(),
  cves: z.array(z.string()).default([]),
  rebootHint: z.boolean().default(false),
  firstSeen: z.date(),
});
export type Patch = z.infer<typeof Patch>;

/**
 * The weakest claim the hosts that reported a patch made about it. Hosts may lie (DESIGN §8), and
 * the catalog keeps both ends of what they said: the strongest claim (Patch's severity and
 * security) decides what WARNS — compliance, SLA clocks, the digest's urgency — and the weakest
 * (this) what GRANTS: which patches a pre-approved change picks up with no person's vote
 * (src/rollouts/run/schedule-selection.ts). A lying host can then make a patch look more urgent,
 * so that it needs a person's approval, but never make it skip one.
 */
export const ClaimFloor = z.object({ severity: Severity, security: z.boolean() });
export type ClaimFloor = z.infer<typeof ClaimFloor>;

/** A patch as the catalog holds it: the strongest claim any host made, and the weakest beside it. */
export type CatalogPatch = Patch & { floor: ClaimFloor };

/** What is stored of one or more reports of a patch: `floor` the weakest of them, when they were several (absent: the report's own claim). */
export type PatchClaim = Patch & { floor?: ClaimFloor };

/**
 * `superseded`: a package version the scans stopped listing for a newer version of its package
 * while the host ran an older one (or one the scan could not tell): the mirror replaced it before
 * the host got it. Or a Windows KB that Windows Update stopped offering (a newer cumulative update
 * supersedes it) while the scan showed the host does not have it. Neither open nor installed;
 * `supersededBy` names the newer finding (for a KB, the offered one whose updates supersede it, when
 * the scans printed UpdateIDs: adapters/postgres/finding-close.ts).
 */
export const FindingState = z.enum(['missing', 'installed', 'pending-reboot', 'failed', 'excluded', 'superseded']);
export type FindingState = z.infer<typeof FindingState>;

/** A finding in these states means the patch still has to be applied (a failed install included). */
export const NEEDS_PATCH: readonly FindingState[] = ['missing', 'failed'];

/** Host × patch, as the most recent scan saw it. */
export interface Finding {
  host: string;
  patchId: string;
  state: FindingState;
  firstSeen: Date;
  lastSeen: Date;
  scanId: string;
  /** A superseded finding's successor: the patch id of the newer version (or KB) the same scan listed; absent when not known. */
  supersededBy?: string;
}

export type ScanOutcome = 'ok' | 'unreachable' | 'failed';

/** Per-host freshness: what the last scan of this host said, and when. */
export interface HostScan {
  scanId: string;
  host: string;
  outcome: ScanOutcome;
  error?: string;
  startedAt: Date;
  finishedAt: Date;
  /** null when the scan could not tell (or did not get that far). */
  rebootRequired?: boolean | null;
  /** The OS as the host names itself: `Debian GNU/Linux 12 (bookworm)`. */
  osName?: string | null;
  /** Update ids known installed (Windows KBs). */
  installed?: string[];
  missingCount?: number | null;
  warnings?: string[];
}

/** A scan and how far it got. */
export interface ScanProgress {
  scanId: string;
  requestedBy: string;
  /** How many hosts the scan covers (not their names: progress is polled, and a name list of a large estate costs every poll). */
  hosts: number;
  startedAt: Date;
  finishedAt: Date | null;
  done: number;
  ok: number;
  unreachable: number;
  failed: number;
  /** When the newest host result stored so far finished; null before the first. */
  lastResultAt: Date | null;
}
