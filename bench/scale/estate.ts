/**
 * The synthetic estate of bench/scale, written through patchbot's own write paths: the inventory
 * through hosts.sync / groups.sync (what the service does at start), scan results through the
 * ScanWriter (what every host job does). Deterministic: the same size gives the same estate.
 */
import type { FindingInput } from '../../src/discovery/discovery-store.ts';
import type { HostScan, Patch, Severity } from '../../src/discovery/patch.ts';
import { ScanWriter } from '../../src/discovery/scan-writer.ts';
import type { Group, Host } from '../../src/inventory/host.ts';
import type { StorageEngine } from '../../src/patchbot-store.ts';

export const CATALOG = 3000;
export const PER_HOST = 50;
export const GROUP_SIZE = 2000;
export const POPULAR = 'deb:pkg0000@1.0-1';
export const RARE = `deb:pkg${String(CATALOG - 1).padStart(4, '0')}@1.0-1`;
/** A selector group of every host: what a change targeting the whole estate names. */
export const EVERYONE = 'everyone';

/** mulberry32: a small seeded PRNG, so two runs (and two engines) store the same estate. */
export const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const SEVERITIES: Severity[] = ['critical', 'important', 'important', 'moderate', 'moderate', 'moderate', 'low', 'low', 'low', 'unknown'];

export const catalog = (): Patch[] =>
  Array.from({ length: CATALOG }, (_, i) => ({
    id: `deb:pkg${String(i).padStart(4, '0')}@1.0-1`,
    title: `pkg${i} 1.0-1`,
    severity: SEVERITIES[i % SEVERITIES.length]!,
    security: i % 3 === 0,
    cves: i % 3 === 0 ? [`CVE-2026-${10000 + i}`] : [],
    rebootHint: i % 50 === 0,
    firstSeen: new Date('2026-11-01T00:00:00Z'),
  }));

export const hostName = (i: number) => `h${String(i).padStart(6, '0')}`;
export const groupName = (g: number) => `grp-${String(g).padStart(3, '0')}`;

export const inventory = (size: number): { hosts: Host[]; groups: Group[] } => {
  const hosts = Array.from({ length: size }, (_, i): Host => ({
    name: hostName(i),
    address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    port: 22,
    user: 'root',
    os: 'debian',
    groups: [groupName(Math.floor(i / GROUP_SIZE))],
    tags: { rack: `r${i % 40}` },
    connection: 'ssh',
  }));
  const groups: Group[] = Array.from({ length: Math.ceil(size / GROUP_SIZE) }, (_, g) => ({ name: groupName(g), production: g % 2 === 1 }));
  groups.push({ name: EVERYONE, selector: { os: ['debian'] }, production: true });
  return { hosts, groups };
};

export interface HostWrite {
  result: HostScan;
  findings?: FindingInput[];
  patches?: Patch[];
}

/**
 * One host's scan: ~50 missing patches (POPULAR on 90 % of hosts, RARE on 0.2 %, the rest skewed
 * towards low ids), 5 % needing a reboot, 1 % unreachable (no findings).
 */
export const scanOf = (i: number, scanId: string, now: Date, patches: readonly Patch[]): HostWrite => {
  const rnd = random(i + 1);
  const finishedAt = new Date(now.getTime() - Math.floor(rnd() * 6 * 3600_000));
  const base = { scanId, host: hostName(i), startedAt: new Date(finishedAt.getTime() - 20_000), finishedAt };
  if (rnd() < 0.01) return { result: { ...base, outcome: 'unreachable', error: 'connect ETIMEDOUT' } };
  const reboot = rnd() < 0.05;
  const ids = new Set<number>();
  if (rnd() < 0.9) ids.add(0);
  if (rnd() < 0.002) ids.add(CATALOG - 1);
  while (ids.size < PER_HOST) ids.add(1 + Math.floor(rnd() * rnd() * (CATALOG - 2)));
  const mine = [...ids].map((id) => patches[id]!);
  // Each with the version the host runs, as apt reports it beside every upgrade (migration 020).
  const findings = mine.map((p, k): FindingInput => ({ patchId: p.id, state: reboot && k < 2 ? 'pending-reboot' : rnd() < 0.01 ? 'failed' : 'missing', installed: '0.9-1' }));
  return {
    result: { ...base, outcome: 'ok', rebootRequired: reboot, osName: 'Debian GNU/Linux 12 (bookworm)', installed: [], missingCount: findings.length, warnings: [] },
    findings,
    patches: mine,
  };
};

/** What one scan finds on host `i` (scanOf, or rescanOf for the next day's scan). */
export type HostScanOf = typeof scanOf;

/**
 * The next day's scan of host `i`: what scanOf found, except that 10 % of hosts installed five of
 * their patches since (a day of patching); everything else is seen as it was.
 */
export const rescanOf: HostScanOf = (i, scanId, now, patches) => {
  const write = scanOf(i, scanId, now, patches);
  if (!write.findings || random(i + 1_000_003)() >= 0.1) return write;
  const findings = write.findings.slice(0, -5);
  return { ...write, result: { ...write.result, missingCount: findings.length }, findings };
};

/** Stores every host's scan through the ScanWriter, `inFlight` host jobs at a time; returns seconds. */
export const ingest = async (
  store: StorageEngine,
  size: number,
  scanId: string,
  now: Date,
  { inFlight = 128, scan = scanOf }: { inFlight?: number; scan?: HostScanOf } = {},
): Promise<number> => {
  const patches = catalog();
  await store.scans.start(
    scanId,
    'bench',
    Array.from({ length: size }, (_, i) => hostName(i)),
    now,
  );
  const writer = new ScanWriter(store, { storedPatches: new Map() });
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < size) {
      const i = next++;
      await writer.record(scan(i, scanId, now, patches));
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return (performance.now() - started) / 1000;
};

/**
 * The baseline: the same rows (findings and host scans) inserted into bare copies of the tables
 * with one plain `unnest` insert per batch of 64 hosts, one batch at a time. Returns seconds.
 * `indexes`: the copies carry the real tables' indexes too (what the reads need), so the gap
 * left is what patchbot's own statement adds (upserts, the diff, freshness).
 */
export const plainInsert = async (
  sql: { query: (text: string, params?: unknown[]) => Promise<unknown[]> },
  size: number,
  scanId: string,
  now: Date,
  { indexes = false, scan = scanOf }: { indexes?: boolean; scan?: HostScanOf } = {},
): Promise<number> => {
  const patches = catalog();
  if (indexes) {
    await sql.query('create table bench_findings (like findings including defaults including indexes)');
    await sql.query('create table bench_host_scans (like host_scans including defaults including indexes)');
  } else {
    await sql.query('create table bench_findings (host text, patch_id text, state text, first_seen timestamptz, changed_at timestamptz, changed_in text, primary key (host, patch_id))');
    await sql.query(
      'create table bench_host_scans (scan_id text, host text, outcome text, error text, started_at timestamptz, finished_at timestamptz, reboot_required boolean, os_name text, missing_count int, primary key (scan_id, host))',
    );
  }
  const started = performance.now();
  for (let from = 0; from < size; from += 64) {
    const f: string[][] = [[], [], [], [], [], []];
    const h: unknown[][] = [[], [], [], [], [], [], [], [], []];
    for (let i = from; i < Math.min(size, from + 64); i++) {
      const { result: r, findings } = scan(i, scanId, now, patches);
      for (const x of findings ?? []) [r.host, x.patchId, x.state, r.finishedAt.toISOString(), r.finishedAt.toISOString(), scanId].forEach((v, k) => f[k]!.push(v));
      [scanId, r.host, r.outcome, r.error ?? null, r.startedAt, r.finishedAt, r.rebootRequired ?? null, r.osName ?? null, r.missingCount ?? null].forEach((v, k) => h[k]!.push(v));
    }
    await sql.query(
      'insert into bench_findings (host, patch_id, state, first_seen, changed_at, changed_in) select * from unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::text[])',
      f,
    );
    await sql.query(
      'insert into bench_host_scans (scan_id, host, outcome, error, started_at, finished_at, reboot_required, os_name, missing_count) select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::boolean[], $8::text[], $9::int[])',
      h,
    );
  }
  const seconds = (performance.now() - started) / 1000;
  await sql.query('drop table bench_findings');
  await sql.query('drop table bench_host_scans');
  return seconds;
};
