import type { Finding, FindingState, HostScan, Patch, ScanProgress } from './patch.ts';

/** What discovery keeps: the patch catalog, findings per host, and every scan's per-host outcome. */

export interface PatchRepository {
  /**
   * Inserts unseen patches, refreshes metadata of known ones; returns the ids seen for the first
   * time anywhere in the estate. `scanId` records which scan discovered them.
   */
  upsert(patches: Patch[], scanId?: string): Promise<string[]>;
  /** Patches first discovered by this scan: the digest's content. */
  firstSeenIn(scanId: string): Promise<Patch[]>;
  get(id: string): Promise<Patch | null>;
  list(): Promise<Patch[]>;
}

export interface FindingInput {
  patchId: string;
  state: FindingState;
}

export interface FindingRepository {
  /**
   * Records what one scan saw on one host. Patches previously missing on the host and absent from
   * this scan are marked installed: the scan, not an exit code, says what is patched.
   */
  record(scanId: string, host: string, findings: FindingInput[], at: Date): Promise<void>;
  byPatch(patchId: string): Promise<Finding[]>;
  byHost(host: string): Promise<Finding[]>;
  /**
   * For each of `patchIds`, the hosts (by name) whose finding is in one of `states`; patches no
   * host matches are absent. One query for many patches: a scan's digest asks about all it found.
   */
  hostsByPatch(patchIds: string[], states: readonly FindingState[]): Promise<Map<string, string[]>>;
}

/** One host's scan for ScanRepository.recordMany. */
export interface HostScanWrite {
  result: HostScan;
  /**
   * What the scan saw, stored as findings.record stores it (at `result.finishedAt`). Absent when
   * the scan did not get that far (unreachable, failed): the host's findings stay as they were.
   */
  findings?: FindingInput[];
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
  /** The latest scan outcome per host: the freshness every answer reports. */
  latestPerHost(): Promise<HostScan[]>;
}

export interface DiscoveryRepos {
  patches: PatchRepository;
  findings: FindingRepository;
  scans: ScanRepository;
}
