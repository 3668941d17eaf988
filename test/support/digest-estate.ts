/**
 * A small but varied estate for the digest tests (issue #20): hosts of several os families and
 * tags, groups of every kind (static members, hosts naming their group, selectors by os and by
 * tags, one that lists a host the inventory lacks, one whose selector says nothing), hosts in no
 * group, and findings of a host that left the inventory. Deterministic per seed.
 */
import { random } from '../../bench/scale/estate.ts';
import type { SqlClient } from '../../adapters/postgres/sql-client.ts';
import type { FindingInput, HostScanWrite } from '../../src/discovery/discovery-store.ts';
import type { FindingState, Patch } from '../../src/discovery/patch.ts';
import type { Group, Host, OsFamily } from '../../src/inventory/host.ts';

const OS: OsFamily[] = ['debian', 'ubuntu', 'rhel', 'windows', 'fedora'];
const ROLES = ['web', 'db', 'app', 'cache'];
const ENVS = ['prod', 'prod', 'staging', 'lab'];

export const digestHosts = (size: number): Host[] =>
  Array.from({ length: size }, (_, i) => ({
    name: `n-${String(i).padStart(3, '0')}`,
    address: `10.1.0.${i % 250}`,
    port: 22,
    user: 'root',
    os: OS[i % OS.length]!,
    groups: i % 7 === 0 ? ['db'] : [],
    tags: { env: ENVS[i % ENVS.length]!, role: ROLES[(i >> 1) % ROLES.length]! },
    connection: 'ssh',
  }));

export const digestGroups = (): Group[] => [
  { name: 'pilot', production: false, members: ['n-000', 'n-002', 'n-003', 'gone-99'] },
  { name: 'staging', production: false, selector: { tags: { env: 'staging' } } },
  { name: 'web', production: true, selector: { tags: { role: 'web', env: 'prod' } } },
  { name: 'db', production: true },
  { name: 'windows', production: true, selector: { os: ['windows'] } },
  { name: 'linux', production: true, selector: { os: ['debian', 'ubuntu', 'rhel'], tags: { env: 'prod' } } },
  { name: 'says-nothing', production: false, selector: {} },
];

export const digestPatch = (id: string, i: number): Patch => ({
  id,
  title: `fix ${id}`,
  severity: (['critical', 'important', 'moderate', 'low', 'unknown'] as const)[i % 5]!,
  security: i % 2 === 0,
  cves: [],
  rebootHint: false,
  firstSeen: new Date('2024-01-01T00:00:00Z'),
});

const STATES: FindingState[] = ['missing', 'missing', 'missing', 'failed', 'pending-reboot'];

/** Patches only some hosts report on top of their share: `ids` on the hosts `on` picks. */
export interface Extra {
  ids: readonly string[];
  on: (host: string) => boolean;
}

/** One scan's writes: each host sees up to `per` of `ids`, and `extra`, in a seeded mix of states. */
export const scanWrites = (scanId: string, hosts: readonly string[], ids: readonly string[], per: number, seed: number, at: Date, extra?: Extra): HostScanWrite[] => {
  const rnd = random(seed);
  return hosts.map((host) => {
    const mine = new Set<string>();
    for (let k = 0; k < per; k++) mine.add(ids[Math.floor(rnd() * ids.length)]!);
    if (extra?.on(host)) for (const id of extra.ids) mine.add(id);
    const findings: FindingInput[] = [...mine].map((patchId) => ({ patchId, state: STATES[Math.floor(rnd() * STATES.length)]! }));
    return { result: { scanId, host, outcome: 'ok', startedAt: at, finishedAt: at }, findings };
  });
};

/** The counts migration 014 keeps, recounted from findings; zero rows left out of both. */
export const needingCounts = async (sql: SqlClient) => {
  const q = (text: string) => sql.query<{ k: string; n: number }>(text);
  return {
    kept: {
      patches: await q('select patch_id as k, hosts as n from patch_needing where hosts <> 0 order by 1'),
      hosts: await q('select host as k, patches as n from host_needing where patches <> 0 order by 1'),
    },
    recount: {
      patches: await q(`select patch_id as k, count(*)::int as n from findings where state in ('missing', 'failed') group by 1 order by 1`),
      hosts: await q(`select host as k, count(*)::int as n from findings where state in ('missing', 'failed') group by 1 order by 1`),
    },
  };
};
