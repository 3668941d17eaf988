import type { HostShape } from '../inventory/host-shapes.ts';
import type { Host } from '../inventory/host.ts';
import type { OfferedUpdates } from './offered-updates.ts';
import type { CatalogPatch, Finding, FindingState, HostScan, Patch, PatchClaim, ScanOutcome, ScanProgress, Severity } from './patch.ts';

/** What discovery keeps: the patch catalog, findings per host, and every scan's per-host outcome. */

/**
 * The hosts a read covers: a list of names (a group's members, one host), or null for every host
 * in the inventory. Reads by scope count and page in SQL, so an answer costs what it shows.
 */
export type HostScope = readonly string[] | null;

/** A count and the first few of what it counts, in the order the method documents. */
export interface Counted<T> {
  count: number;
  first: T[];
}

export interface PatchRepository {
  /**
   * Inserts unseen patches, merges reports of known ones into the catalog (catalog-merge.ts: the
   * strongest claim only rises, the weakest, `floor`, only sinks, the first title stays), atomically
   * whichever process writes; returns the ids seen for the first time anywhere in the estate.
   * `scanId` records which scan discovered them.
   */
  upsert(patches: readonly PatchClaim[], scanId?: string): Promise<string[]>;
  /** Patches first discovered by this scan: the digest's content. */
  firstSeenIn(scanId: string): Promise<CatalogPatch[]>;
  get(id: string): Promise<CatalogPatch | null>;
  /** The patches of these ids that the catalog has (unknown ids are absent), by id. */
  byIds(ids: readonly string[]): Promise<CatalogPatch[]>;
  list(): Promise<CatalogPatch[]>;
  /**
   * What an unknown `word` may have meant, read without loading the catalog (tens of thousands of
   * ids at 100,000 hosts). `samePackage`: the first `shown` ids of the package `word` names
   * (`deb:<word>@…`, `rpm:<word>@…`), by id. `near`: up to `candidates` ids that contain `word`, or
   * that may lie within `maxDistance` edits of it (ignoring case: the length allows it and they
   * contain one of its editPieces whole, so none within the bound is left out), those containing it
   * first, then those sharing most of it. The caller measures the distances (closestMatches).
   */
  suggestions(word: string, bounds: { maxDistance: number; shown: number; candidates: number }): Promise<PatchSuggestions>;
  /**
   * Deletes the patches first seen before `before` that nothing refers to any more: no finding
   * names it (as its patch, or as the one that superseded it) and no change carries it (a change
   * keeps its patch ids for good: its card, ticket and rollback name them). Returns how many. Waits
   * for findings being written, and holds new ones back until it is done, so no finding is left
   * naming a patch it deleted; a writer that remembered a deleted patch as stored gets it refused
   * (MissingReferenceError) and stores it again (ScanWriter).
   */
  pruneUnreferenced(before: Date): Promise<number>;
}

export interface PatchSuggestions {
  samePackage: string[];
  near: string[];
}

export interface FindingInput {
  patchId: string;
  state: FindingState;
  /**
   * For a package version (`deb:libbar1@1.2-1`), the version of the package the host runs, when the
   * scan says (apt's Inst lines; dnf's check-update does not): whether a version the report no
   * longer lists was installed or superseded (FindingRepository.record).
   */
  installed?: string;
}

export interface FindingRepository {
  /**
   * Records what one scan saw on one host. Patches previously missing on the host and absent from
   * this scan are marked installed: the scan, not an exit code, says what is patched. Except a
   * package version when the scan lists another version of that package: installed only if the
   * host runs at least it (FindingInput.installed), else superseded, and the listed version takes
   * over its first sighting (the SLA clock keeps running: adapters/postgres/finding-close.ts).
   * And a KB (a newer cumulative update supersedes it, and Windows Update stops offering it):
   * installed only if `installedKbs` holds it, else superseded. Its successor is the KB this scan
   * offers whose updates supersede one of the UpdateIDs the host's previous report (`offered`)
   * gave the old KB; it takes over the old KB's first sighting, as a package version does. None
   * found (either report without UpdateIDs, or no listed update names it): superseded with no
   * successor, and a fresh clock. Without `installedKbs` (the scan cannot show every KB the host
   * has) a KB is installed, as before. `offered` is kept with the host for its next report.
   */
  record(scanId: string, host: string, findings: FindingInput[], at: Date, installedKbs?: readonly string[], offered?: OfferedUpdates): Promise<void>;
  byPatch(patchId: string): Promise<Finding[]>;
  byHost(host: string): Promise<Finding[]>;
  /**
   * For each of `patchIds`, the hosts (by name) whose finding is in one of `states`; patches no
   * host matches are absent. One query for many patches: a scan's digest asks about all it found.
   */
  hostsByPatch(patchIds: string[], states: readonly FindingState[]): Promise<Map<string, string[]>>;
  /**
   * For each of `hosts`, which of `patchIds` it still needs (NEEDS_PATCH: missing or failed), by
   * patch id; hosts that need none are absent. One query for a wave's hosts and a change's patches.
   */
  needing(hosts: readonly string[], patchIds: readonly string[]): Promise<Map<string, string[]>>;
  /**
   * What a scan's digest shows of the patches it discovered (PatchRepository.firstSeenIn), about
   * the hosts that need them (NEEDS_PATCH: missing or failed): per patch how many and the first
   * `sample` by name, and how many distinct hosts. With `inventory`, also the inventory folded
   * into shapes (HostShape; `named` are the groups' static members) with how many of each need
   * one of the patches, for the cover. Read from counts the store keeps as findings change, so a
   * first scan that discovered every patch of 100,000 hosts costs no more than a later one.
   */
  discovered(scanId: string, sample: number, inventory: { named: readonly string[] } | null): Promise<DiscoveredFacts>;
  /**
   * One patch across the hosts in scope: how many hosts per state; the first `limit` findings by
   * host name (all of them when `limit` is null) of the LISTED_STATES only, since the others are
   * read a page at a time (findingsOfPatch); and the hosts in scope with no finding for it.
   */
  patchCoverage(patchId: string, scope: HostScope, limit: number | null): Promise<PatchCoverage>;
  /**
   * The hosts in scope whose finding for one patch is in one of `states`, by host name: `limit` of
   * them after the first `offset` (null: all). A page of `missing <patch>`: the hosts that need it
   * (NEEDS_PATCH: missing or failed), or those where it was superseded.
   */
  findingsOfPatch(patchId: string, scope: HostScope, states: readonly FindingState[], limit: number | null, offset: number): Promise<Finding[]>;
  /**
   * What is missing (`missing` or `failed`) across the scope, per patch with its severity (from
   * the catalog; `unknown` when it has no row) and how many hosts, most urgent first (severity,
   * then most hosts, then id): `page.limit` of them after `page.offset` (default: all). Also how
   * many patches per severity, and how many distinct hosts per severity and in all.
   */
  pendingIn(scope: HostScope, page?: { limit: number | null; offset: number }): Promise<PendingFacts>;
  /**
   * One host as `status <host>` shows it, in one read: the inventory's facts, its latest scan
   * and every finding (by patch id) with the catalog's severity. Null when no host has the name.
   */
  hostStatus(host: string): Promise<HostStatusFacts | null>;
  /**
   * The open findings (`missing`, `failed`, `pending-reboot`) of these hosts, by host then patch:
   * what a compliance report evaluates, read for many hosts per statement.
   */
  openOf(hosts: readonly string[]): Promise<Finding[]>;
  /** Deletes `installed` and `superseded` findings last seen before `before` (history, not state); returns how many. */
  pruneInstalled(before: Date): Promise<number>;
}

export interface DiscoveredFacts {
  /** Patches no host needs are absent. */
  byPatch: Map<string, Counted<string>>;
  /** Distinct hosts that need any of the patches, in the inventory or not. */
  hosts: number;
  /** Inventory hosts by shape, when asked for; hosts not in the inventory count in `hosts` only. */
  shapes: HostShape[] | null;
}

/**
 * The states patchCoverage lists the first hosts of. `missing <patch>` pages the others (missing,
 * failed, superseded) with findingsOfPatch: listing them here too read every such host twice for
 * the CLI, which asks for all of them.
 */
export const LISTED_STATES = ['installed', 'pending-reboot', 'excluded'] as const satisfies readonly FindingState[];
export type ListedState = (typeof LISTED_STATES)[number];

export interface PatchCoverage {
  /** Hosts in scope per state. */
  counts: Record<FindingState, number>;
  /** The first hosts of the LISTED_STATES, by host name. */
  first: Record<ListedState, Finding[]>;
  notReported: Counted<string>;
}

export interface HostStatusFacts {
  host: Pick<Host, 'name' | 'os' | 'groups' | 'tags'>;
  latestScan: HostScan | null;
  /** When the host last reported patch data (FreshnessFacts' `lastSeen`); null if it never has. */
  lastSeen: Date | null;
  /** `installed` included; severity `unknown` when the catalog has no row for the patch. */
  findings: (Finding & { severity: Severity })[];
}

export interface PendingPatch {
  id: string;
  title: string;
  severity: Patch['severity'];
  hosts: number;
}

export interface PendingFacts {
  /** The page asked for, most urgent first. */
  patches: PendingPatch[];
  /** Every pending patch of the scope, counted per severity (not only the page's). */
  patchesBySeverity: Record<Patch['severity'], number>;
  hostsBySeverity: Record<Patch['severity'], number>;
  affectedHosts: number;
}

/** How fresh the data over a scope is: HostScope hosts as their latest scans describe them. */
export interface FreshnessFacts {
  hosts: number;
  /** Hosts whose latest scan was ok. */
  scanned: number;
  newest: Date | null;
  oldest: Date | null;
  /** Hosts whose latest scan was not ok, oldest attempt first; `lastSeen` is their newest finding. */
  unreachable: Counted<{ host: string; outcome: ScanOutcome; triedAt: Date; lastSeen: Date | null }> & { outcomes: ScanOutcome[] };
  /** In host-name order. */
  neverScanned: Counted<string>;
}

export interface RebootFacts {
  /** Latest scans in scope that said a reboot is required, by host name. */
  required: Counted<HostScan>;
  /**
   * Hosts whose latest scan succeeded but could not tell, by host name, each with the warning its
   * scan stored about it (null: none); `reasons` counts the commonest warnings, most hosts first.
   */
  unknown: Counted<{ host: string; warning: string | null }> & { reasons: { warning: string | null; hosts: number }[] };
  /** Hosts whose latest scan did not succeed (unreachable, failed): they said nothing about reboots. */
  notScanned: number;
  /** Hosts in scope with a latest scan at all. */
  scanned: number;
}

/** One host's scan for ScanRepository.recordMany. */
export interface HostScanWrite {
  result: HostScan;
  /**
   * What the scan saw, stored as findings.record stores it (at `result.finishedAt`). Absent when
   * the scan did not get that far (unreachable, failed): the host's findings stay as they were.
   */
  findings?: FindingInput[];
  /**
   * Every KB the scan shows the host has (ParsedScan.installedComplete), for findings.record's
   * rule on KBs that drop out; absent when the scan cannot show them all.
   */
  installedKbs?: readonly string[];
  /** The UpdateIDs of what a Windows scan offered (ParsedScan.offered), for findings.record's rule on KBs that drop out. */
  offered?: OfferedUpdates;
}

export interface ScanRepository {
  start(scanId: string, requestedBy: string, targets: string[], at: Date): Promise<void>;
  recordHost(result: HostScan): Promise<void>;
  /**
   * Several hosts' scans at once, atomically: for each, what findings.record then recordHost
   * would store. The hosts must be distinct. Same result as the per-host calls in one
   * transaction, in one statement; the discovery write buffer uses it.
   */
  recordMany(writes: HostScanWrite[]): Promise<void>;
  finish(scanId: string, at: Date): Promise<void>;
  /**
   * Marks the scan finished if every target has reported and nobody marked it yet. True for
   * exactly one caller, however many host jobs finish at once.
   */
  tryFinish(scanId: string, at: Date): Promise<boolean>;
  progress(scanId: string): Promise<ScanProgress | null>;
  /** Per-host results of one scan, by host name. */
  results(scanId: string): Promise<HostScan[]>;
  /** The latest scan outcome per host, kept by the writes above (not searched for in the history). */
  latestPerHost(): Promise<HostScan[]>;
  /** The latest scan of each of these hosts that has one. */
  latestOf(hosts: readonly string[]): Promise<HostScan[]>;
  /** The freshness summary of a scope, naming at most `sample` unreachable and never-scanned hosts. */
  freshness(scope: HostScope, sample: number): Promise<FreshnessFacts>;
  /**
   * Reboot flags of the scope's latest scans; at most `limit` named per list (null: all), the
   * hosts that need a reboot from `offset` on (a page of them).
   */
  reboots(scope: HostScope, limit: number | null, offset?: number): Promise<RebootFacts>;
  /**
   * Deletes per-host scan results that finished before `before`, and scans left without any;
   * returns how many host results. Each host's latest scan stays readable through latestPerHost.
   */
  pruneHistory(before: Date): Promise<number>;
}

export interface DiscoveryRepos {
  patches: PatchRepository;
  findings: FindingRepository;
  scans: ScanRepository;
}
