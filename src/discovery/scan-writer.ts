import type { DiscoveryRepos, FindingInput, HostScanWrite } from './discovery-store.ts';
import type { Transactional } from '../store/transactional.ts';
import type { AuditRepos } from '../audit/audit-store.ts';
import { addsNothing, boundPatch, type Disagreement, disagreement, mergeClaim } from './catalog-merge.ts';
import { boundHostScan } from './patch-bounds.ts';
import type { OfferedUpdates } from './offered-updates.ts';
import type { HostScan, Patch, PatchClaim } from './patch.ts';
import type { StoredPatch } from './scan-deps.ts';
import { MissingReferenceError } from '../shared/store-errors.ts';

/** One host's scan, ready to store. */
export interface ScanWrite {
  result: HostScan;
  /** The patches the scan reported: stored first when this process has not stored them as they are. */
  patches?: Patch[];
  /** What the scan saw; absent when it did not get that far (the host's findings stay as they were). */
  findings?: FindingInput[];
  /** HostScanWrite.installedKbs: every KB the scan shows the host has, when it can show them all. */
  installedKbs?: readonly string[];
  /** HostScanWrite.offered: the UpdateIDs of what a Windows scan offered. */
  offered?: OfferedUpdates;
}

export interface WriteOutcome {
  /** Patches this write stored for the first time anywhere in the estate. */
  fresh: string[];
  /** True for exactly one write of a scan (across replicas): the one whose commit completed it. */
  finished: boolean;
}

export interface ScanWriterOptions {
  /** Hosts per transaction at most. */
  maxBatch?: number;
  /**
   * How long a write may wait for others to share its transaction. 50 ms: a host's scan takes
   * seconds, and at 20 ms batches held ~8 hosts, so per-statement costs (planning, the queue's
   * bookkeeping, the finish check) weighed on every host — most on the embedded PGlite (~0.7 ms of
   * CPU per host at 1,000 hosts, bench/README.md).
   */
  maxDelayMs?: number;
  /** Patches this process stored, with their metadata (ScanDeps.storedPatches). */
  storedPatches?: Map<string, StoredPatch>;
  /** How many of them are remembered at most (MAX_REMEMBERED). */
  maxStoredPatches?: number;
  now?: () => Date;
}

/**
 * Patches remembered as stored, at most; the oldest stored are forgotten first. A hostile host can
 * report 5,000 new ids in every scan, and remembering them all would grow the process without
 * bound. A forgotten patch costs one more question to the store when a host reports it again (as
 * after a restart): the upsert only ever strengthens the strongest claim and lowers the weakest,
 * so the catalog is the same either way.
 */
export const MAX_REMEMBERED = 20_000;

interface Pending {
  write: ScanWrite;
  since: number;
  resolve: (outcome: WriteOutcome) => void;
  reject: (error: unknown) => void;
}

/** At most this many disagreements of one host are kept per write: the rest are counted. */
const MAX_DISAGREEMENTS = 20;

/**
 * A small write-behind buffer for host scans: the hosts that finish within `maxDelayMs` of each
 * other share one transaction (patches, findings, freshness: ScanRepository.recordMany), and
 * the scan's completion is checked once per batch instead of once per host. Durable: `record`
 * resolves only after its batch committed, so a job is completed only when its findings are
 * stored; a crash before that leaves the job to be retried, and the writes are idempotent.
 *
 * One batch at a time is in flight; the writes arriving meanwhile form the next one (group
 * commit), so the batch size follows the load. A failed batch is retried host by host, so one
 * bad write fails only its own host.
 */
export class ScanWriter {
  private readonly maxBatch: number;
  private readonly maxDelayMs: number;
  private readonly stored: Map<string, StoredPatch>;
  private readonly maxStored: number;
  private readonly now: () => Date;
  private pending: Pending[] = [];
  private flushing = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Pick<DiscoveryRepos, 'scans'> & Transactional<Pick<DiscoveryRepos, 'patches' | 'scans'> & AuditRepos>,
    options: ScanWriterOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 64;
    this.maxDelayMs = options.maxDelayMs ?? 50;
    this.stored = options.storedPatches ?? new Map<string, StoredPatch>();
    this.maxStored = options.maxStoredPatches ?? MAX_REMEMBERED;
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Stores one host's scan with the next batch; resolves once that batch committed. Its patches
   * and host text are bounded first (patch-bounds.ts), whoever built them: nothing stored exceeds the bounds.
   */
  record(write: ScanWrite): Promise<WriteOutcome> {
    const bounded: ScanWrite = { ...write, result: boundHostScan(write.result), ...(write.patches ? { patches: write.patches.map(boundPatch) } : {}) };
    return new Promise((resolve, reject) => {
      this.pending.push({ write: bounded, since: performance.now(), resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.flushing || this.pending.length === 0) return;
    const waited = performance.now() - this.pending[0]!.since;
    if (this.pending.length >= this.maxBatch || waited >= this.maxDelayMs) {
      this.start();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.start();
    }, this.maxDelayMs - waited);
  }

  private start(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.flushing || this.pending.length === 0) return;
    this.flushing = true;
    // Detached so the writer keeps taking scans; flush never rejects: each write's error goes to
    // the scan that asked for it (its own promise).
    void this.flush(this.take()).finally(() => {
      this.flushing = false;
      this.schedule();
    });
  }

  /** The next batch: up to maxBatch writes, one per host (a second write of a host waits for the next batch). */
  private take(): Pending[] {
    const batch: Pending[] = [];
    const hosts = new Set<string>();
    const rest: Pending[] = [];
    for (const entry of this.pending) {
      if (batch.length < this.maxBatch && !hosts.has(entry.write.result.host)) {
        hosts.add(entry.write.result.host);
        batch.push(entry);
      } else rest.push(entry);
    }
    this.pending = rest;
    return batch;
  }

  private async flush(batch: Pending[]): Promise<void> {
    try {
      const outcomes = await this.write(batch.map((e) => e.write));
      batch.forEach((entry, i) => entry.resolve(outcomes[i]!));
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      for (const entry of batch) {
        try {
          entry.resolve((await this.write([entry.write]))[0]!);
        } catch (own) {
          entry.reject(own);
        }
      }
    }
  }

  /** Remembers `merged` as what is stored of `id`, newest last (a Map keeps insertion order), forgetting the oldest over the cap. */
  private remember(id: string, merged: StoredPatch): void {
    this.stored.delete(id);
    this.stored.set(id, merged);
    for (const oldest of this.stored.keys()) {
      if (this.stored.size <= this.maxStored) break;
      this.stored.delete(oldest);
    }
  }

  private async write(writes: ScanWrite[], retried = false): Promise<WriteOutcome[]> {
    // Every host reports much the same patches: the store is asked only about those whose reports
    // change what this process stored — stronger, or weaker than the weakest claim stored (the
    // floor, which pre-approval rests on: catalog-merge.ts) — each once per batch, all the batch's
    // reports of it merged into one claim under the scan of the first host that reported it.
    // A host that says less than the catalog (a lower severity, "not security", another title)
    // does not weaken what warns; what it said is kept with the host, in the audit log. Both in
    // memory against what this process stored, so the common case (every host agrees) costs no query.
    const claims = new Map<string, { owner: number; scanId: string; first: Patch; merged: StoredPatch }>();
    const disagreements: Array<{ host: string; scanId: string; found: Disagreement[] }> = [];
    writes.forEach((w, i) => {
      const found: Disagreement[] = [];
      for (const p of w.patches ?? []) {
        const claim = claims.get(p.id);
        const known = claim?.merged ?? this.stored.get(p.id);
        const disagrees = disagreement(known, p);
        if (disagrees) found.push(disagrees);
        if (addsNothing(known, p)) continue;
        if (claim) claim.merged = mergeClaim(known, p);
        else claims.set(p.id, { owner: i, scanId: w.result.scanId, first: p, merged: mergeClaim(known, p) });
      }
      if (found.length) disagreements.push({ host: w.result.host, scanId: w.result.scanId, found });
    });
    const unknown = new Map<string, PatchClaim[]>();
    for (const { scanId, first, merged } of claims.values()) {
      const list = unknown.get(scanId) ?? [];
      list.push({ ...first, ...merged });
      unknown.set(scanId, list);
    }
    const rows: HostScanWrite[] = writes.map((w) => ({
      result: w.result,
      ...(w.findings ? { findings: w.findings } : {}),
      ...(w.findings && w.installedKbs ? { installedKbs: w.installedKbs } : {}),
      ...(w.findings && w.offered ? { offered: w.offered } : {}),
    }));
    let fresh: string[] = [];
    try {
      if (unknown.size === 0 && disagreements.length === 0) await this.store.scans.recordMany(rows);
      else {
        fresh = await this.store.transaction(async (tx) => {
          const inserted: string[] = [];
          for (const [scanId, patches] of unknown) inserted.push(...(await tx.patches.upsert(patches, scanId)));
          await tx.scans.recordMany(rows);
          for (const d of disagreements) await tx.audit.append(disagreementEvent(d.host, d.scanId, d.found));
          return inserted;
        });
        // Only after commit: a rolled-back transaction must not leave patches marked as stored.
        for (const [id, { merged }] of claims) this.remember(id, merged);
      }
    } catch (error) {
      // Housekeeping deletes patches nothing has referred to for a while (PatchRepository.
      // pruneUnreferenced): one remembered here as stored may be gone, and its findings refused.
      // Forgotten, these writes' patches are stored again; a refusal with none of them remembered,
      // or a second one, is the write's own.
      if (!(error instanceof MissingReferenceError) || retried) throw error;
      const forgotten = writes.flatMap((w) => w.patches ?? []).filter((p) => this.stored.delete(p.id));
      if (forgotten.length === 0) throw error;
      return this.write(writes, true);
    }
    // After commit, so that hosts committed by other replicas at the same time are counted: the
    // last of them to ask finishes the scan. Once per scan in the batch, told to its last write.
    const finishedBy = new Map<string, number>();
    const scans = new Map(writes.map((w, i) => [w.result.scanId, i]));
    for (const [scanId, last] of scans) {
      if (await this.store.scans.tryFinish(scanId, this.now())) finishedBy.set(scanId, last);
    }
    return writes.map((w, i) => ({
      fresh: fresh.filter((id) => claims.get(id)?.owner === i),
      finished: finishedBy.get(w.result.scanId) === i,
    }));
  }
}

const disagreementEvent = (host: string, scanId: string, found: Disagreement[]) => ({
  actor: `host:${host}`,
  action: 'scan.disagreement',
  subject: host,
  data: { scanId, count: found.length, patches: found.slice(0, MAX_DISAGREEMENTS) },
});
