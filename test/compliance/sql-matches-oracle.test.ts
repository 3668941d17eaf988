import { inject } from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComplianceOverview, HostCompliance } from '../../src/compliance/model.ts';
import { DAY_MS, type FrameworkName, policyFor, type SlaConfig } from '../../src/compliance/policy.ts';
import { buildComplianceOverview, complianceHosts } from '../../src/compliance/report.ts';
import { CASES, NOW, SLA, ago } from '../support/compliance-cases.ts';
import { seedGeneratedEstate } from '../support/compliance-generated.ts';
import { type OracleReport, oracleReport } from '../support/compliance-oracle.ts';
import { type FreshStore, freshPglite, freshPostgres } from '../support/engines.ts';

/**
 * The compliance rules run in SQL (adapters/postgres/compliance-sql.ts and the per-host facts of
 * migration 011). This compares every figure they give with the JavaScript evaluation patchbot
 * used before (test/support/compliance-oracle.ts), on both engines: every host, rollup, list and
 * freshness figure, under each policy, for the whole inventory and for a group.
 */
const POLICIES: { framework: FrameworkName | null; sla: SlaConfig }[] = [
  { framework: null, sla: SLA },
  { framework: 'pci', sla: SLA },
  { framework: 'hipaa', sla: SLA },
  { framework: 'pci', sla: { ...SLA, critical: 45 * DAY_MS } },
];

const collect = async (pages: AsyncIterable<HostCompliance[]>): Promise<HostCompliance[]> => {
  const out: HostCompliance[] = [];
  for await (const page of pages) out.push(...page);
  return out;
};

const compare = (overview: ComplianceOverview, hosts: HostCompliance[], oracle: OracleReport) => {
  expect(hosts).toEqual(oracle.hosts);
  expect(overview.total).toEqual(oracle.total);
  expect(overview.groups).toEqual(oracle.groups);
  expect(overview.overdue.first.map((h) => h.host)).toEqual(oracle.overdue);
  expect(overview.unknown.first.map((h) => h.host)).toEqual(oracle.unknown);
  expect(overview.atRisk.first.map((h) => h.host)).toEqual(oracle.atRisk);
  expect(overview.overdue.first).toEqual(oracle.overdue.map((name) => oracle.hosts.find((h) => h.host === name)));
  expect(overview.freshness).toEqual(oracle.freshness);
};

const engines: [string, () => Promise<FreshStore>][] = [['PGlite', freshPglite]];
if (inject('postgresUrl')) engines.push(['PostgreSQL', freshPostgres]);
else console.log(`sql-matches-oracle: PostgreSQL skipped: ${inject('postgresMissing')}`);

describe.each(engines)('compliance in SQL agrees with the JavaScript rules (%s)', (_engine, open) => {
  describe('a generated estate', () => {
    let opened: FreshStore;
    beforeAll(async () => {
      opened = await open();
      await seedGeneratedEstate(opened.store, NOW);
    });
    afterAll(() => opened.store.close());

    it.each(POLICIES.flatMap((p) => [null, 'web', 'edge', 'empty'].map((group) => ({ ...p, group }))))('$framework, group $group', async ({ framework, sla, group }) => {
      const options = { sla, framework, group, now: NOW };
      const overview = await buildComplianceOverview(opened.store, { ...options, sample: 1000 });
      // Small pages: the paging's edges are crossed many times.
      const hosts = await collect(complianceHosts(opened.store, options, 7));
      const oracle = await oracleReport(opened.store, { policy: policyFor(framework, sla), now: NOW, group });
      expect(oracle.hosts.length).toBeGreaterThan(group === 'empty' ? -1 : 5);
      compare(overview, hosts, oracle);
    });

    it('the estate has every kind of host the rules tell apart', async () => {
      const oracle = await oracleReport(opened.store, { policy: policyFor(null, SLA), now: NOW });
      expect(oracle.total.byStatus).toMatchObject({ compliant: expect.any(Number), overdue: expect.any(Number) });
      for (const status of ['compliant', 'at-risk', 'overdue', 'unknown'] as const) expect(oracle.total.byStatus[status]).toBeGreaterThan(0);
      const reasons = new Set(oracle.hosts.map((h) => h.unknownReason));
      expect([...reasons].sort()).toEqual([null, 'never-scanned', 'scan-failed', 'stale', 'unreachable'].sort());
    });
  });

  describe("the rules' edge cases, one host each", () => {
    let opened: FreshStore;
    beforeAll(async () => {
      opened = await open();
      const names = CASES.map((_, i) => `case-${String(i).padStart(2, '0')}`);
      await opened.store.hosts.sync(names.map((name) => ({ name, address: '10.0.0.1', port: 22, user: 'root', os: 'debian', groups: [], tags: {}, connection: 'ssh' })));
      await opened.store.scans.start('c1', 'test', names, ago(500 * DAY_MS));
      for (const [i, c] of CASES.entries()) {
        const id = `deb:case${i}@1`;
        await opened.store.patches.upsert([{ id, title: id, severity: c.severity, security: c.security ?? true, cves: [], rebootHint: false, firstSeen: ago(c.patchAge ?? c.missingFor) }]);
        await opened.store.findings.record('c1', names[i]!, [{ patchId: id, state: c.state ?? 'missing' }], ago(c.missingFor));
        await opened.store.scans.recordHost({ scanId: 'c1', host: names[i]!, outcome: 'ok', startedAt: ago(3_600_000), finishedAt: ago(3_600_000) });
      }
    });
    afterAll(() => opened.store.close());

    it.each(POLICIES)('$framework, critical SLA $sla.critical ms', async ({ framework, sla }) => {
      const options = { sla, framework, now: NOW };
      const overview = await buildComplianceOverview(opened.store, { ...options, sample: 1000 });
      const hosts = await collect(complianceHosts(opened.store, options));
      compare(overview, hosts, await oracleReport(opened.store, { policy: policyFor(framework, sla), now: NOW }));
    });

    it('each case gets the status its rule says', async () => {
      const hosts = await collect(complianceHosts(opened.store, { sla: SLA, now: NOW }));
      const plain = CASES.flatMap((c, i) => (c.framework || c.sla ? [] : [[hosts[i]!.status, c.status]]));
      expect(plain.map(([got]) => got)).toEqual(plain.map(([, want]) => want));
    });
  });
});
