import { randomBytes } from 'node:crypto';
import { PatchbotError } from '../shared/errors.ts';
import { SCAN_HOST_QUEUE, type ScanDeps, type ScanHostJob } from './scan-deps.ts';

export interface StartScanInput {
  hosts: string[];
  requestedBy: string;
  /** A deterministic id (scheduled scans use their firing time) makes a repeated start a no-op. */
  scanId?: string;
}

export const newScanId = (at: Date) => `scan-${at.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}-${randomBytes(3).toString('hex')}`;

/**
 * Records the scan, then one durable job per host: any replica's workers take them, bounded by
 * their concurrency, and a restart resumes where the queue left off.
 */
export const startScan = async (deps: Pick<ScanDeps, 'store' | 'queue' | 'now'>, input: StartScanInput): Promise<{ scanId: string; created: boolean }> => {
  if (input.hosts.length === 0) throw new PatchbotError('empty-scan', 'Nothing to scan: the target has no hosts.');
  const now = (deps.now ?? (() => new Date()))();
  const scanId = input.scanId ?? newScanId(now);
  if (input.scanId && (await deps.store.scans.progress(scanId))) return { scanId, created: false };
  await deps.store.scans.start(scanId, input.requestedBy, input.hosts, now);
  await deps.queue.sendMany<ScanHostJob>(
    SCAN_HOST_QUEUE,
    input.hosts.map((host) => ({ data: { scanId, host }, options: { key: `${scanId}:${host}`, retryLimit: 1, expireInSeconds: 3600 } })),
  );
  return { scanId, created: true };
};
