import { DAY_MS } from '../../src/compliance/policy.ts';
import type { FindingInput } from '../../src/discovery/discovery-store.ts';
import type { FindingState, Patch, Severity } from '../../src/discovery/patch.ts';
import type { Host } from '../../src/inventory/host.ts';
import type { PatchbotStore } from '../../src/patchbot-store.ts';
import { random } from '../../bench/scale/estate.ts';

const SEVERITIES: Severity[] = ['critical', 'important', 'moderate', 'low', 'unknown'];
const STATES: FindingState[] = ['missing', 'missing', 'failed', 'pending-reboot', 'installed', 'excluded'];
/** Ages around the default SLAs' edges (7, 30, 90, 180 days; warnings 3, 7.5, 22.5, 45 days), to the millisecond. */
const EDGES = [0, 1, 3, 4, 7, 7.5, 22.5, 30, 45, 67.5, 90, 135, 180, 400].flatMap((d) => [d * DAY_MS - 1, d * DAY_MS, d * DAY_MS + 1]).filter((ms) => ms >= 0);

/**
 * A seeded random estate written through the store's write paths (inventory sync, patch upsert,
 * findings.record, scans): every severity, security or not, every finding state, clocks on and
 * around each deadline and warning edge, PCI's earlier estate sighting, scans fresh, stale (on
 * the 7-day edge), unreachable, failed or missing, hosts in groups by each route (their own list,
 * static members, a selector), in several or none, an empty group, findings of a host no longer
 * in the inventory; then a rescan that installs some patches and a catalog update that raises a
 * severity, so what the writes maintain is exercised too.
 */
export const seedGeneratedEstate = async (store: PatchbotStore, now: Date, size = 120, seed = 7): Promise<void> => {
  const rnd = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
  const at = (msAgo: number) => new Date(now.getTime() - msAgo);
  const patches: Patch[] = Array.from({ length: 40 }, (_, i) => ({
    id: `deb:pkg${String(i).padStart(2, '0')}@1.0-1`,
    title: `pkg${i}`,
    severity: SEVERITIES[i % SEVERITIES.length]!,
    security: i % 3 !== 1,
    cves: [],
    rebootHint: false,
    firstSeen: at(pick(EDGES) + (i % 4 === 0 ? 20 * DAY_MS : 0)),
  }));
  // Upper- and lower-case ids: ties between equal deadlines are broken by id, in code-unit order.
  patches.push({ id: 'DSA-5600-1', title: 'DSA', severity: 'critical', security: true, cves: [], rebootHint: false, firstSeen: at(10 * DAY_MS) });
  const hosts: Host[] = Array.from({ length: size }, (_, i) => ({
    name: `h${String(i).padStart(3, '0')}`,
    address: '10.0.0.1',
    port: 22,
    user: 'root',
    os: i % 7 === 0 ? 'windows' : 'debian',
    groups: i % 5 === 0 ? [] : i % 9 === 0 ? ['web', 'db'] : [pick(['web', 'db', 'web'])],
    tags: { role: i % 4 === 0 ? 'edge' : 'core' },
    connection: 'ssh',
  }));
  await store.hosts.sync(hosts);
  await store.groups.sync([
    { name: 'web', production: true },
    { name: 'db', members: ['h001', 'h002', 'h010'], production: true },
    { name: 'edge', selector: { tags: { role: 'edge' } }, production: false },
    { name: 'debian-edge', selector: { os: ['debian'], tags: { role: 'edge' } }, production: false },
    { name: 'empty', members: [], production: false },
  ]);
  await store.patches.upsert(patches);

  const scanned = [...hosts.map((h) => h.name), 'ghost-01'];
  await store.scans.start('g1', 'test', scanned, at(400 * DAY_MS));
  for (const [i, name] of scanned.entries()) {
    const findings: FindingInput[] = [];
    const ids = new Set<string>();
    const n = i % 11 === 0 ? 0 : 1 + Math.floor(rnd() * 6);
    while (ids.size < n) ids.add(pick(patches).id);
    if (i % 13 === 0) ids.add('DSA-5600-1');
    for (const patchId of ids) findings.push({ patchId, state: pick(STATES) });
    // Each host's findings are first seen at one of the edges (findings.record stamps them).
    await store.findings.record('g1', name, findings, at(pick(EDGES)));
  }
  await store.scans.start('g2', 'test', scanned, at(DAY_MS));
  for (const [i, name] of scanned.entries()) {
    const kind = i % 10;
    if (kind === 0) continue; // never scanned
    const outcome = kind === 1 ? 'unreachable' : kind === 2 ? 'failed' : 'ok';
    const age = kind === 3 ? 7 * DAY_MS : kind === 4 ? 7 * DAY_MS + 1 : kind === 5 ? 30 * DAY_MS : rnd() * DAY_MS;
    await store.scans.recordHost({ scanId: 'g2', host: name, outcome, startedAt: at(age), finishedAt: at(age) });
  }
  // A rescan of a few hosts through the scan writer's batch path (recordMany: one statement for
  // many hosts) that keeps only some of their findings (the rest read as installed)…
  const rescanned = hosts.filter((_, i) => i % 6 === 3).map((h) => h.name);
  const writes = [];
  for (const name of rescanned) {
    const open = (await store.findings.byHost(name)).filter((f) => f.state === 'missing');
    const finishedAt = at(DAY_MS / 2);
    writes.push({
      result: { scanId: 'g2', host: name, outcome: 'ok' as const, startedAt: finishedAt, finishedAt },
      findings: open.slice(0, 1).map((f) => ({ patchId: f.patchId, state: 'missing' as const })),
    });
  }
  await store.scans.recordMany(writes);
  // …and the catalog raising a severity: every host with that patch is judged anew.
  await store.patches.upsert([{ ...patches[3]!, severity: 'critical' }]);
};
