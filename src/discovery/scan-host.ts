import type { Host } from '../inventory/host.ts';
import { ExecutionError } from '../playbooks/executor.ts';
import { hostLogger } from '../shared/logger.ts';
import type { FindingInput } from './discovery-store.ts';
import { packageOf } from './package-version.ts';
import { type HostScan, isPatchId, type Patch } from './patch.ts';
import { parserFor } from './parsers/index.ts';
import { type ParsedPatch, ScanParseError } from './parsers/scan-result.ts';
import { SCAN_FINISHED_QUEUE, type ScanDeps, type ScanHostJob } from './scan-deps.ts';
import { ScanWriter } from './scan-writer.ts';

/** Execution errors that mean "could not get to the host", as opposed to "the scan itself broke". */
const UNREACHABLE = new Set(['unreachable', 'auth-failed', 'host-key-unknown', 'host-key-mismatch', 'connection-lost', 'timeout']);

const outcomeOf = (error: unknown): Pick<HostScan, 'outcome' | 'error'> => {
  if (error instanceof ExecutionError) return { outcome: UNREACHABLE.has(error.kind) ? 'unreachable' : 'failed', error: error.message };
  if (error instanceof ScanParseError || error instanceof ScanTooLargeError) return { outcome: 'failed', error: error.message };
  return { outcome: 'failed', error: (error as Error).message ?? String(error) };
};

export class ScanTooLargeError extends Error {}

const DEFAULT_LIMITS = { maxLines: 50_000, maxPatches: 5_000, maxWarnings: 200 };

/** Before parsing (lines) and after (patches, warnings): a scan over a cap is refused whole. */
const checkSize = (limits: ScanDeps['limits'], what: 'lines' | 'patches' | 'warnings', count: number): void => {
  const { maxLines, maxPatches, maxWarnings } = limits ?? DEFAULT_LIMITS;
  const max = { lines: maxLines, patches: maxPatches, warnings: maxWarnings }[what];
  if (count > max) {
    throw new ScanTooLargeError(
      `the scan output is too large: ${count.toLocaleString('en-US')} ${what}, over the limit of ${max.toLocaleString('en-US')} (execution.scanLimits); nothing of it was stored`,
    );
  }
};

const countLines = (text: string): number => {
  let lines = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
};

/**
 * A patch the scan lists, as a missing finding with the version the host runs of its package when
 * that is one version, a valid one (apt prints it per architecture, rpm -q per name.arch): what tells a
 * version that drops out of a later report installed from superseded (FindingRepository.record).
 */
export const findingOf = (patch: ParsedPatch): FindingInput => {
  const versions = new Set(patch.packages.map((p) => p.installed));
  const [installed] = versions;
  const known = versions.size === 1 && typeof installed === 'string' && packageOf(patch.id) !== null && isPatchId(`deb:x@${installed}`);
  return { patchId: patch.id, state: 'missing', ...(known ? { installed } : {}) };
};

/** One write buffer per set of scan dependencies (a runtime's), shared by all its host scans. */
const writers = new WeakMap<ScanDeps, ScanWriter>();
export const scanWriterOf = (deps: ScanDeps): ScanWriter => {
  let writer = writers.get(deps);
  if (!writer) {
    writer = new ScanWriter(deps.store, { ...(deps.storedPatches ? { storedPatches: deps.storedPatches } : {}), ...(deps.now ? { now: deps.now } : {}) });
    writers.set(deps, writer);
  }
  return writer;
};

/**
 * One host of one scan: run its scan playbook, parse, and store patches, findings and the host's
 * freshness in one transaction — shared with the other hosts finishing at the same moment
 * (scan-writer.ts), and committed before this returns. A failure is recorded, never thrown past
 * the job: the host shows as unreachable or failed in every answer until the next scan succeeds.
 */
export const scanHost = async (deps: ScanDeps, job: ScanHostJob): Promise<HostScan> => {
  const now = deps.now ?? (() => new Date());
  const writer = scanWriterOf(deps);
  const log = hostLogger(deps.log, job.host);
  const startedAt = now();
  const host: Host | null = await deps.store.hosts.get(job.host);
  let result: HostScan;
  let finished: boolean;
  if (!host) {
    result = { scanId: job.scanId, host: job.host, outcome: 'failed', error: `${job.host} is no longer in the inventory`, startedAt, finishedAt: now() };
    ({ finished } = await writer.record({ result }));
  } else {
    try {
      const release = (await deps.limit?.(host)) ?? (() => undefined);
      let stdout: string;
      try {
        ({ stdout } = await deps.runScan(host));
      } finally {
        release();
      }
      checkSize(deps.limits, 'lines', countLines(stdout));
      const parsed = parserFor(host.os)(host.name, stdout);
      checkSize(deps.limits, 'patches', parsed.patches.length);
      checkSize(deps.limits, 'warnings', parsed.warnings.length);
      const seenAt = now();
      const patches: Patch[] = parsed.patches.map((p) => ({
        id: p.id,
        title: p.title,
        severity: p.severity,
        security: p.security,
        cves: p.cves,
        rebootHint: p.rebootHint,
        firstSeen: seenAt,
      }));
      result = {
        scanId: job.scanId,
        host: host.name,
        outcome: 'ok',
        startedAt,
        finishedAt: seenAt,
        rebootRequired: parsed.rebootRequired,
        osName: parsed.os,
        installed: parsed.installed,
        missingCount: patches.length,
        warnings: parsed.warnings,
      };
      const written = await writer.record({
        result,
        patches,
        findings: parsed.patches.map(findingOf),
        // Only a scan that shows every KB the host has may call one that drops out superseded.
        ...(parsed.installedComplete ? { installedKbs: parsed.installed } : {}),
        // Kept with the host: the next scan links a KB that drops out to the one superseding it.
        ...(parsed.offered ? { offered: parsed.offered } : {}),
      });
      if (written.fresh.length) log.info({ scan: job.scanId, newPatches: written.fresh.length }, 'newly discovered patches');
      finished = written.finished;
    } catch (error) {
      result = { scanId: job.scanId, host: job.host, startedAt, finishedAt: now(), ...outcomeOf(error) };
      log.warn({ scan: job.scanId, outcome: result.outcome, err: error }, 'host scan did not succeed');
      ({ finished } = await writer.record({ result }));
    }
  }
  if (finished) {
    await deps.queue.send(SCAN_FINISHED_QUEUE, { scanId: job.scanId }, { key: job.scanId });
  }
  return result;
};
