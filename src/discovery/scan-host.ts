import type { Host } from '../inventory/host.ts';
import { ExecutionError } from '../playbooks/executor.ts';
import { hostLogger } from '../shared/logger.ts';
import type { HostScan, Patch } from './patch.ts';
import { parserFor } from './parsers/index.ts';
import { ScanParseError } from './parsers/scan-result.ts';
import { SCAN_FINISHED_QUEUE, type ScanDeps, type ScanHostJob } from './scan-deps.ts';

/** Execution errors that mean "could not get to the host", as opposed to "the scan itself broke". */
const UNREACHABLE = new Set(['unreachable', 'auth-failed', 'host-key-unknown', 'host-key-mismatch', 'connection-lost', 'timeout']);

const outcomeOf = (error: unknown): Pick<HostScan, 'outcome' | 'error'> => {
  if (error instanceof ExecutionError) return { outcome: UNREACHABLE.has(error.kind) ? 'unreachable' : 'failed', error: error.message };
  if (error instanceof ScanParseError) return { outcome: 'failed', error: error.message };
  return { outcome: 'failed', error: (error as Error).message ?? String(error) };
};

/**
 * One host of one scan: run its scan playbook, parse, and store patches, findings and the host's
 * freshness in one transaction. A failure is recorded, never thrown past the job: the host shows
 * as unreachable or failed in every answer until the next scan succeeds.
 */
export const scanHost = async (deps: ScanDeps, job: ScanHostJob): Promise<HostScan> => {
  const now = deps.now ?? (() => new Date());
  const log = hostLogger(deps.log, job.host);
  const startedAt = now();
  const host: Host | null = await deps.store.hosts.get(job.host);
  let result: HostScan;
  if (!host) {
    result = { scanId: job.scanId, host: job.host, outcome: 'failed', error: `${job.host} is no longer in the inventory`, startedAt, finishedAt: now() };
    await deps.store.scans.recordHost(result);
  } else {
    try {
      const release = (await deps.limit?.(host)) ?? (() => undefined);
      let stdout: string;
      try {
        ({ stdout } = await deps.runScan(host));
      } finally {
        release();
      }
      const parsed = parserFor(host.os)(host.name, stdout);
      const seenAt = now();
      const patches: Patch[] = parsed.patches.map((p) => ({ id: p.id, title: p.title, severity: p.severity, security: p.security, cves: p.cves, rebootHint: p.rebootHint, firstSeen: seenAt }));
      result = {
        scanId: job.scanId, host: host.name, outcome: 'ok', startedAt, finishedAt: seenAt,
        rebootRequired: parsed.rebootRequired, osName: parsed.os, installed: parsed.installed, missingCount: patches.length, warnings: parsed.warnings,
      };
      const stored = result;
      const signature = (p: Patch) => JSON.stringify([p.title, p.severity, p.security, p.cves, p.rebootHint]);
      const unknown = patches.filter((p) => deps.storedPatches?.get(p.id) !== signature(p));
      await deps.store.transaction(async (tx) => {
        const fresh = await tx.patches.upsert(unknown, job.scanId);
        await tx.findings.record(job.scanId, host.name, patches.map((p) => ({ patchId: p.id, state: 'missing' })), seenAt);
        await tx.scans.recordHost(stored);
        if (fresh.length) log.info({ scan: job.scanId, newPatches: fresh.length }, 'newly discovered patches');
      });
      // Only after commit: a rolled-back transaction must not leave patches marked as stored.
      for (const p of unknown) deps.storedPatches?.set(p.id, signature(p));
    } catch (error) {
      result = { scanId: job.scanId, host: job.host, startedAt, finishedAt: now(), ...outcomeOf(error) };
      log.warn({ scan: job.scanId, outcome: result.outcome, err: error }, 'host scan did not succeed');
      await deps.store.scans.recordHost(result);
    }
  }
  if (await deps.store.scans.tryFinish(job.scanId, now())) {
    await deps.queue.send(SCAN_FINISHED_QUEUE, { scanId: job.scanId }, { key: job.scanId });
  }
  return result;
};
