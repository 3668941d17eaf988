import type { Host } from '../inventory/host.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { Logger } from '../shared/logger.ts';
import type { AuditRepos } from '../audit/audit-store.ts';
import type { InventoryRepos } from '../inventory/inventory-store.ts';
import type { Transactional } from '../store/transactional.ts';
import type { DiscoveryRepos } from './discovery-store.ts';
import type { CatalogPatch } from './patch.ts';

/**
 * Runs a host's scan playbook and returns what it printed. Throws ExecutionError when the host
 * cannot be reached or the scan command fails; the discovery use case records that per host.
 */
export type ScanRunner = (host: Host) => Promise<{ stdout: string }>;

/** The metadata of a stored patch that a later report is compared with: the strongest claim, and the weakest (`floor`). */
export type StoredPatch = Pick<CatalogPatch, 'title' | 'severity' | 'security' | 'cves' | 'rebootHint' | 'floor'>;

/**
 * What a scan reads and writes: hosts in, patches, findings and scans out, each scan audited (a
 * host disagreeing with the catalog too, in the transaction that stores its scan).
 */
export type ScanStore = DiscoveryRepos & Pick<InventoryRepos, 'hosts'> & AuditRepos & Transactional<DiscoveryRepos & AuditRepos>;

export interface ScanDeps {
  store: ScanStore;
  queue: JobQueue;
  runScan: ScanRunner;
  log: Logger;
  now?: () => Date;
  /** Waits until the host may start (per-tag caps, e.g. one host per cluster); returns its release. */
  limit?: (host: Host) => Promise<() => void>;
  /**
   * Patches this process has stored, with their metadata: every host of an estate reports much
   * the same patches, so after the first host the store is asked only about what is new or
   * changed. Shared by all scan jobs of one runtime.
   */
  storedPatches?: Map<string, StoredPatch>;
  /** How much one host's scan may report (config execution.scanLimits); defaults when absent. */
  limits?: { maxLines: number; maxPatches: number; maxWarnings: number };
  /** Called once per finished scan (by whichever replica finished it): the announcement hook. */
  onScanFinished?: (scanId: string) => Promise<void>;
}

export const SCAN_HOST_QUEUE = 'scan.host';
export const SCAN_FINISHED_QUEUE = 'scan.finished';

export interface ScanHostJob {
  scanId: string;
  host: string;
}
