import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FreshStore, freshPglite } from '../support/engines.ts';
import { NotFoundError } from '../../src/shared/errors.ts';
import { DAY_MS } from '../../src/compliance/policy.ts';
import { buildComplianceOverview, type ComplianceReportOptions, complianceHosts } from '../../src/compliance/report.ts';
import { seedComplianceEstate } from '../support/compliance-estate.ts';

const NOW = new Date('2024-03-01T00:00:00Z');
const SLA = { critical: 7 * DAY_MS, important: 30 * DAY_MS, moderate: 90 * DAY_MS, low: 180 * DAY_MS };

/** The overview and every host, as the CLI reads them. */
const buildComplianceReport = async (store: FreshStore['store'], options: ComplianceReportOptions) => {
  const overview = await buildComplianceOverview(store, options);
  const hosts = [];
  for await (const page of complianceHosts(store, options)) hosts.push(...page);
  return { ...overview, hosts };
};

describe('compliance report (PGlite store)', () => {
  let opened: Awaited<ReturnType<typeof freshPglite>>;
  beforeAll(async () => {
    opened = await freshPglite();
    await seedComplianceEstate(opened.store, NOW);
  });
  afterAll(() => opened.store.close());

  const statuses = (hosts: { host: string; status: string; unknownReason: string | null }[]) =>
    Object.fromEntries(hosts.map((h) => [h.host, h.unknownReason ? `unknown:${h.unknownReason}` : h.status]));

  it('evaluates every host from its findings and its latest scan', async () => {
    const report = await buildComplianceReport(opened.store, { sla: SLA, now: NOW });
    expect(statuses(report.hosts)).toEqual({
      'db-01': 'overdue',
      'new-01': 'unknown:never-scanned',
      'old-01': 'unknown:stale',
      'web-01': 'compliant',
      'web-02': 'at-risk',
      'web-09': 'unknown:unreachable',
    });
    const db = report.hosts.find((h) => h.host === 'db-01')!;
    expect(db).toMatchObject({ groups: ['prod-db'], missing: { critical: 1, unknown: 1 }, oldestOverdue: { patchId: 'DSA-5600-1', daysOverdue: 33 } });
    expect(report.hosts.find((h) => h.host === 'web-02')).toMatchObject({ pendingReboot: 1, atRisk: [{ patchId: 'USN-6600-1', daysLeft: 2 }] });
    expect(report.hosts.find((h) => h.host === 'web-01')!.missing).toEqual({ critical: 0, important: 0, moderate: 0, low: 0, unknown: 0 });
    // web-09's last-known state stays visible on its row.
    expect(report.hosts.find((h) => h.host === 'web-09')!.oldestOverdue?.patchId).toBe('DSA-5600-1');
  });

  it('rolls up every group, empty ones as unknown', async () => {
    const report = await buildComplianceReport(opened.store, { sla: SLA, now: NOW });
    expect(report.groups.map((g) => [g.group, g.hosts, g.status, g.compliantPct])).toEqual([
      ['dr', 0, 'unknown', null],
      ['prod-db', 2, 'overdue', 0],
      ['prod-web', 3, 'unknown', 66.7],
    ]);
    expect(report.total).toMatchObject({ hosts: 6, byStatus: { compliant: 1, 'at-risk': 1, overdue: 1, unknown: 3 }, oldestOverdue: { host: 'db-01', patchId: 'DSA-5600-1' } });
  });

  it('pci: security patches only, clock from the first sighting in the estate', async () => {
    const report = await buildComplianceReport(opened.store, { sla: SLA, now: NOW, framework: 'pci', group: 'prod-web' });
    expect(report.scope).toBe('prod-web');
    expect(report.hosts.map((h) => h.host)).toEqual(['web-01', 'web-02', 'web-09']);
    // USN-6600-1 reached the estate 35 days ago; PCI counts from release, so web-02 is 5 days late.
    expect(report.hosts.find((h) => h.host === 'web-02')).toMatchObject({ status: 'overdue', oldestOverdue: { patchId: 'USN-6600-1', daysOverdue: 5 } });
    expect(report.groups.map((g) => g.group)).toEqual(['prod-web']);
    expect(report.policy).toMatchObject({ framework: 'pci', label: 'PCI DSS', slaDays: { critical: 7, important: 30 } });
  });

  it('hipaa: the non-security update drops out, the configured SLA stays', async () => {
    const report = await buildComplianceReport(opened.store, { sla: SLA, now: NOW, framework: 'hipaa', group: 'prod-db' });
    expect(report.hosts.find((h) => h.host === 'db-01')!.missing).toMatchObject({ critical: 1, unknown: 0 });
    expect(report.policy.note).toMatch(/no fixed patch deadline/);
  });

  it('an unknown group is a NotFoundError with suggestions', async () => {
    const error = await buildComplianceReport(opened.store, { sla: SLA, now: NOW, group: 'prod-wbe' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).suggestions).toContain('prod-web');
  });
});
