import type { ScheduleFiring } from '../jobs/scheduler.ts';
import { scheduleQueue } from '../jobs/scheduler.ts';
import { SCAN_FINISHED_QUEUE, SCAN_HOST_QUEUE, type ScanDeps, type ScanHostJob } from './scan-deps.ts';
import { scanHost } from './scan-host.ts';
import { startScan } from './start-scan.ts';

/**
 * The durable side of discovery on one replica: host scans (`concurrency` hosts at once), the
 * finish hook, and the `discovery` schedule. Scans are audited when they start and finish; the
 * per-host facts live in the scan tables.
 */
export const registerDiscoveryJobs = async (deps: ScanDeps, { concurrency }: { concurrency: number }): Promise<void> => {
  // With a host limiter, that limiter keeps `concurrency` hosts connected; a quarter more jobs
  // run so that a host's parse and store (and its job's bookkeeping) overlap the next one's SSH.
  await deps.queue.work<ScanHostJob>(
    SCAN_HOST_QUEUE,
    async (job) => {
      await scanHost(deps, job);
    },
    { concurrency: deps.limit ? concurrency + Math.ceil(concurrency / 4) : concurrency },
  );

  await deps.queue.work<{ scanId: string }>(SCAN_FINISHED_QUEUE, async ({ scanId }) => {
    const progress = await deps.store.scans.progress(scanId);
    const fresh = await deps.store.patches.firstSeenIn(scanId);
    await deps.store.audit.append({
      actor: 'patchbot',
      action: 'scan.finished',
      subject: scanId,
      data: { hosts: progress?.hosts ?? 0, ok: progress?.ok ?? 0, unreachable: progress?.unreachable ?? 0, failed: progress?.failed ?? 0, newPatches: fresh.length },
    });
    deps.log.info({ scan: scanId, newPatches: fresh.length, ok: progress?.ok, unreachable: progress?.unreachable, failed: progress?.failed }, 'scan finished');
    await deps.onScanFinished?.(scanId);
  });

  await deps.queue.work<ScheduleFiring>(scheduleQueue('discovery'), async (firing) => {
    const hosts = (await deps.store.hosts.list()).map((h) => h.name);
    // The id comes from the firing, so a retried job does not start a second scan.
    const scanId = `scan-${firing.firedAt.replace(/[-:]/g, '').replace(/\..*$/, '')}-scheduled`;
    await scanAndAudit(deps, { hosts, requestedBy: 'schedule:discovery', scanId });
  });
};

/** Starts a scan and records who asked for it. */
export const scanAndAudit = async (deps: ScanDeps, input: Parameters<typeof startScan>[1]) => {
  const started = await startScan(deps, input);
  if (started.created) {
    await deps.store.audit.append({ actor: input.requestedBy, action: 'scan.started', subject: started.scanId, data: { hosts: input.hosts } });
  }
  return started;
};
