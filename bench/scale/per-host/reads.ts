/**
 * The reads behind patchbot's answers that go by patch, each in both storage models: the shipped
 * one (a row per finding, findings_by_patch ordered by patch, state, host) and the per-host
 * prototype (model.ts: GIN over `patch|state` keys, counts from patch_state_counts). The
 * shipped forms are the statements' cores (adapters/postgres/finding-reads.ts, digest-reads.ts,
 * discovery-repos.ts) without the scope joins and columns the answers add around them.
 */
import { CATALOG, GROUP_SIZE, POPULAR, RARE } from '../estate.ts';

const MID = 'deb:pkg0500@1.0-1';
const NEEDS = ['missing', 'failed'];
const keys = (patchId: string, states: readonly string[]) => states.map((state) => `${patchId}|${state}`);
const catalogIds = Array.from({ length: CATALOG }, (_, i) => `deb:pkg${String(i).padStart(4, '0')}@1.0-1`);

export interface ModelRead {
  name: string;
  shipped: { text: string; params: unknown[] };
  perHost: { text: string; params: unknown[] };
}

const byPatch = (label: string, patchId: string): ModelRead[] => [
  {
    name: `first 10 hosts needing ${label}`,
    shipped: { text: 'select host from findings where patch_id = $1 and state = any($2::text[]) order by host limit 10', params: [patchId, NEEDS] },
    perHost: { text: 'select host from host_findings where keys && $1::text[] order by host limit 10', params: [keys(patchId, NEEDS)] },
  },
  {
    name: `first 10 hosts where ${label} failed`,
    shipped: { text: `select host from findings where patch_id = $1 and state = 'failed' order by host limit 10`, params: [patchId] },
    perHost: { text: 'select host from host_findings where keys && $1::text[] order by host limit 10', params: [keys(patchId, ['failed'])] },
  },
  {
    name: `hosts per state of ${label}`,
    shipped: { text: 'select state, count(*)::int as n from findings where patch_id = $1 group by state', params: [patchId] },
    perHost: { text: 'select state, hosts as n from patch_state_counts where patch_id = $1', params: [patchId] },
  },
];

export const MODEL_READS: ModelRead[] = [
  ...byPatch('the popular patch', POPULAR),
  ...byPatch('a patch of 1 host in 30', MID),
  ...byPatch('the rare patch', RARE),
  {
    name: 'a host’s findings',
    shipped: { text: `select patch_id, state, first_seen from findings where host = 'h000123'`, params: [] },
    perHost: { text: `select u.* from host_findings f, unnest(f.patch_ids, f.states, f.first_seen) as u(patch_id, state, first_seen) where f.host = 'h000123'`, params: [] },
  },
  {
    name: `hosts needing each patch in a group of ${GROUP_SIZE.toLocaleString('en')}`,
    shipped: {
      text: `select patch_id, count(*) from findings where host = any(array(select name from hosts where 'grp-000' = any(groups))) and state in ('missing', 'failed') group by patch_id`,
      params: [],
    },
    perHost: {
      text: `select u.patch_id, count(*) from host_findings f, unnest(f.patch_ids, f.states) as u(patch_id, state)
             where f.host = any(array(select name from hosts where 'grp-000' = any(groups))) and u.state in ('missing', 'failed') group by u.patch_id`,
      params: [],
    },
  },
  {
    name: `the digest's first 3 hosts needing each of ${CATALOG.toLocaleString('en')} patches`,
    shipped: {
      text: `select p.id, array(select x.host from unnest(array['missing', 'failed']) as s(state)
               cross join lateral (select f.host from findings f where f.patch_id = p.id and f.state = s.state order by f.host limit 3) x order by x.host limit 3)
             from unnest($1::text[]) as p(id)`,
      params: [catalogIds],
    },
    perHost: {
      text: `select p.id, array(select f.host from host_findings f where f.keys && array[p.id || '|missing', p.id || '|failed'] order by f.host limit 3) from unnest($1::text[]) as p(id)`,
      params: [catalogIds],
    },
  },
  {
    name: 'every host needing each of 50 patches (a change’s plan)',
    shipped: {
      text: 'select patch_id, json_agg(host order by host) from findings where patch_id = any($1::text[]) and state = any($2::text[]) group by patch_id',
      params: [catalogIds.slice(0, 50), NEEDS],
    },
    perHost: {
      text: `select x.p, json_agg(f.host order by f.host) from unnest($1::text[]) as x(p) join host_findings f on f.keys && array[x.p || '|missing', x.p || '|failed'] group by x.p`,
      params: [catalogIds.slice(0, 50)],
    },
  },
];
