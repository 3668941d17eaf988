import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { HostScope, PendingFacts } from '../../src/discovery/discovery-store.ts';
import { freshnessOf } from '../../src/chat/answers/freshness.ts';
import { NEEDS_PATCH, type Severity } from '../../src/discovery/patch.ts';
import type { PatchbotStore } from '../../src/patchbot-store.ts';
import { NOW } from '../support/compliance-cases.ts';
import { seedGeneratedEstate } from '../support/compliance-generated.ts';
import { type FreshStore, freshPglite, freshPostgres } from '../support/engines.ts';

/**
 * The answers' aggregate reads (issue #20) against the same facts read apart, on a generated
 * estate (every finding state, groups by each route, an empty group, hosts never scanned or
 * unreachable, findings of a host no longer in the inventory, a rescan and a severity change):
 * `pending` per patch and per severity (the per-severity host counts are maintained by triggers,
 * migration 015), and `status <host>` in one statement.
 */
const engines: [string, () => Promise<FreshStore>][] = [['PGlite', freshPglite]];
if (inject('postgresUrl')) engines.push(['PostgreSQL', freshPostgres]);
else console.log(`answers-oracle: PostgreSQL skipped: ${inject('postgresMissing')}`);

const SEVERITY_ORDER = ['critical', 'important', 'moderate', 'low', 'unknown'] as const;

/** What pendingIn must say, from the open findings and the catalog read one by one. */
const pendingOracle = async (store: PatchbotStore, scope: HostScope): Promise<PendingFacts> => {
  const hosts = scope ?? (await store.hosts.list()).map((h) => h.name);
  const open = (await store.findings.openOf([...new Set(hosts)])).filter((f) => NEEDS_PATCH.includes(f.state));
  const catalog = new Map((await store.patches.byIds(open.map((f) => f.patchId))).map((p) => [p.id, p]));
  const per = new Map<string, number>();
  const bySeverity = new Map<Severity, Set<string>>();
  for (const f of open) {
    per.set(f.patchId, (per.get(f.patchId) ?? 0) + 1);
    const severity = catalog.get(f.patchId)?.severity ?? 'unknown';
    bySeverity.set(severity, (bySeverity.get(severity) ?? new Set()).add(f.host));
  }
  const patches = [...per].map(([id, n]) => ({ id, title: catalog.get(id)?.title ?? '', severity: catalog.get(id)?.severity ?? 'unknown', hosts: n }));
  return {
    patches,
    patchesBySeverity: Object.fromEntries(SEVERITY_ORDER.map((s) => [s, patches.filter((p) => p.severity === s).length])) as Record<Severity, number>,
    hostsBySeverity: Object.fromEntries((['critical', 'important', 'moderate', 'low', 'unknown'] as const).map((s) => [s, bySeverity.get(s)?.size ?? 0])) as Record<Severity, number>,
    affectedHosts: new Set(open.map((f) => f.host)).size,
  };
};

const byId = (facts: PendingFacts) => ({ ...facts, patches: [...facts.patches].sort((a, b) => a.id.localeCompare(b.id)) });

describe.each(engines)('answer reads agree with the facts read apart (%s)', (_engine, open) => {
  let opened: FreshStore;
  beforeAll(async () => {
    opened = await open();
    await seedGeneratedEstate(opened.store, NOW);
  });
  afterAll(() => opened?.store.close());

  const scopes = async (store: PatchbotStore): Promise<[string, HostScope][]> => [
    ['every host', null],
    ...(await Promise.all(['web', 'db', 'edge', 'debian-edge', 'empty'].map(async (g): Promise<[string, HostScope]> => [g, await store.groups.memberNames(g)]))),
    ['no hosts', []],
    ['one host', ['h003']],
    ['a name twice, and a host no longer in the inventory', ['h001', 'ghost-01', 'h001', 'h010']],
  ];

  const comparePending = async () => {
    const { store } = opened;
    for (const [name, scope] of await scopes(store)) {
      expect(byId(await store.findings.pendingIn(scope)), name).toEqual(byId(await pendingOracle(store, scope)));
    }
  };

  it('pending: per patch and per severity, for the estate, each group, an empty scope and odd lists', async () => {
    const all = await pendingOracle(opened.store, null);
    // The estate has something to count in every severity, or the comparison proves little.
    expect(Object.values(all.hostsBySeverity).every((n) => n > 0)).toBe(true);
    await comparePending();
  });

  it('pending: the maintained per-severity counts follow rescans, installs and catalog changes', async () => {
    const { store } = opened;
    const [host] = (await store.groups.memberNames('web'))!;
    const findings = await store.findings.byHost(host!);
    const at = new Date(NOW.getTime() + 60_000);
    // Everything open turns pending-reboot (no longer pending), one patch comes back failed.
    await store.scans.start('oracle-rescan', 'test', [host!], at);
    await store.findings.record(
      'oracle-rescan',
      host!,
      [...findings.filter((f) => f.state !== 'installed').map((f) => ({ patchId: f.patchId, state: 'pending-reboot' as const })), { patchId: 'DSA-5600-1', state: 'failed' }],
      at,
    );
    const [first] = await store.patches.list();
    await store.patches.upsert([{ ...first!, severity: first!.severity === 'low' ? 'important' : 'low' }]);
    await comparePending();
  });

  it("status: one host's facts in one read equal its findings, latest scan and catalog rows read apart", async () => {
    const { store } = opened;
    const hosts = await store.hosts.list();
    for (const h of hosts) {
      const findings = await store.findings.byHost(h.name);
      const catalog = new Map((await store.patches.byIds(findings.map((f) => f.patchId))).map((p) => [p.id, p.severity]));
      const [latest] = await store.scans.latestOf([h.name]);
      const { lastSeen, ...facts } = (await store.findings.hostStatus(h.name))!;
      expect(facts, h.name).toEqual({
        host: { name: h.name, os: h.os, groups: h.groups, tags: h.tags },
        latestScan: latest ?? null,
        findings: findings.map((f) => ({ ...f, severity: catalog.get(f.patchId) ?? 'unknown' })),
      });
      // The one-host freshness `status` derives from it is what scans.freshness says of the host.
      expect(freshnessOf([h.name], latest ? [latest] : [], lastSeen ? new Map([[h.name, lastSeen]]) : new Map()), h.name).toEqual(await store.scans.freshness([h.name], 5));
    }
    expect(await store.findings.hostStatus('ghost-01')).toBeNull();
  });
});
