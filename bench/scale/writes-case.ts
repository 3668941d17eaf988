/**
 * The write side of bench/scale at one engine and size, in a process of its own (its peak RSS is
 * its own): node --import tsx bench/scale/writes-case.ts <pglite|postgres-url> <hosts> <runs>
 * The first scan of the estate through the ScanWriter beside two plain `unnest` inserts of the
 * same rows (bare tables; tables with the real indexes), then the digest of that scan (it
 * discovered all 3,000 catalog patches) as the service posts it (window choices: two windows,
 * the default approval policies) and as text, and planning a change that targets every host, each
 * `runs` times after one warm-up. Prints one JSON document on stdout.
 */
import { loadavg } from 'node:os';
import { migrate } from '../../adapters/postgres/migrate.ts';
import { openSqlClient } from '../../adapters/postgres/open-store.ts';
import { sqlStore } from '../../adapters/postgres/sql-store.ts';
import { buildDigest } from '../../src/chat/announce/build-digest.ts';
import { digestProposal } from '../../src/chat/announce/digest-proposal.ts';
import { RolloutConfig } from '../../src/config/schema-rollout.ts';
import { ConfigSections } from '../../src/config/schema.ts';
import { planRollout } from '../../src/rollouts/plan.ts';
import { EVERYONE, ingest, inventory, plainInsert, rescanOf } from './estate.ts';

const [target, sizeText, runsText] = process.argv.slice(2);
const size = Number(sizeText);
const runs = Number(runsText ?? 5);

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
const time = async (work: () => Promise<unknown>): Promise<number> => {
  const started = performance.now();
  await work();
  return performance.now() - started;
};
const repeat = async (work: () => Promise<unknown>): Promise<number[]> => {
  await work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await time(work));
  return times;
};

const sql = await openSqlClient(target === 'pglite' ? 'pglite://memory' : target!);
await migrate(sql);
const store = sqlStore(sql);
const load = [loadavg()[0]!];
const now = new Date();
const syncMs = await time(async () => {
  const { hosts, groups } = inventory(size);
  await store.hosts.sync(hosts);
  await store.groups.sync(groups);
});
// The scan path alone: RSS before it (the inventory arrays gone) and its peak.
(globalThis as { gc?: () => void }).gc?.();
const rssBefore = process.memoryUsage.rss();
peakRss = rssBefore;
const ingestSeconds = await ingest(store, size, 'bench-scan-1', now);
const ingestPeakRss = peakRss;
const plainSeconds = await plainInsert(sql, size, 'bench-scan-1', now);
const plainIndexedSeconds = await plainInsert(sql, size, 'bench-scan-1', now, { indexes: true });
// The next day's scan (rescanOf: 10 % of hosts installed five patches), the steady state of an
// estate, beside the same rows inserted plainly: what writing every finding it saw would cost.
const nextDay = new Date(now.getTime() + 86_400_000);
peakRss = process.memoryUsage.rss();
const rescanSeconds = await ingest(store, size, 'bench-scan-2', nextDay, { scan: rescanOf });
const rescanPeakRss = peakRss;
const rescanPlainSeconds = await plainInsert(sql, size, 'bench-scan-2', nextDay, { scan: rescanOf });
await sql.query('analyze');
const findings = (await sql.query<{ n: number }>('select count(*)::int as n from findings'))[0]!.n;
const newPatches = (await store.patches.firstSeenIn('bench-scan-1')).length;

// What the onScanFinished hook passes (src/service/runtime.ts): the config's windows and approval policies.
const config = ConfigSections.parse({ windows: { weeknights: { cron: '0 22 * * 1-5', duration: '4h' }, weekend: { cron: '0 2 * * 6', duration: '6h' } } });
const digestPosted = await repeat(() => buildDigest(store, 'bench-scan-1', { schedule: config, approval: config.approval, now: new Date() }));
const digest = await repeat(() => buildDigest(store, 'bench-scan-1'));
// A click on that digest's Propose rollout: the patches still needed and the groups covering their hosts.
const proposal = await repeat(() => digestProposal(store, 'scan:bench-scan-1'));
const rollout = RolloutConfig.parse({});
const plan = await repeat(async () => {
  const [hosts, groups] = await Promise.all([store.hosts.list(), store.groups.list()]);
  return planRollout({ targets: [EVERYONE], hosts, groups, config: rollout, class: 'normal' });
});
load.push(loadavg()[0]!);
clearInterval(sampler);
await store.close();
process.stdout.write(
  JSON.stringify({
    engine: target === 'pglite' ? 'PGlite' : 'PostgreSQL',
    hosts: size,
    findings,
    newPatches,
    syncMs,
    ingest: { hostsPerSecond: size / ingestSeconds, plainHostsPerSecond: size / plainSeconds, plainIndexedHostsPerSecond: size / plainIndexedSeconds, rssBefore, peakRss: ingestPeakRss },
    rescan: { hostsPerSecond: size / rescanSeconds, plainHostsPerSecond: size / rescanPlainSeconds, peakRss: rescanPeakRss },
    digest,
    digestPosted,
    proposal,
    plan,
    load,
  }),
);
