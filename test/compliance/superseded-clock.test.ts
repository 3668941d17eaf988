import { expect, it } from 'vitest';
import { DAY_MS } from '../../src/compliance/policy.ts';
import { buildComplianceOverview, complianceHosts } from '../../src/compliance/report.ts';
import { patchbotStore } from '../../src/patchbot-store.ts';
import { estateHost, scanAt } from '../support/estate-scans.ts';
import { storeContract } from '../support/store-contract.ts';

/**
 * The SLA clock of a package keeps running when the mirror replaces the missing version with a newer
 * one (migration 020): the newer finding starts from the first sighting of what it superseded, so a
 * host cannot stay vulnerable past its SLA by the mirror publishing faster than it. A host that got
 * the old version before the newer came starts a fresh clock. Both engines.
 */
const NOW = new Date('2026-11-30T12:00:00Z');
const ago = (days: number) => new Date(NOW.getTime() - days * DAY_MS);
const SLA = { critical: 7 * DAY_MS, important: 30 * DAY_MS, moderate: 90 * DAY_MS, low: 180 * DAY_MS };
const patch = (id: string) => ({ id, title: id, severity: 'important' as const, security: true, cves: [], rebootHint: false, firstSeen: ago(40) });

storeContract('compliance clock across superseded versions', (opened) => {
  it('a host missing 1.1-1 for 40 days, superseded by 1.2-1 yesterday, is overdue against a 30-day SLA', async () => {
    const store = patchbotStore(opened.store);
    await store.hosts.sync([estateHost('web-01', 'prod-web'), estateHost('web-02', 'prod-web')]);
    await store.groups.sync([{ name: 'prod-web', production: true }]);
    await store.patches.upsert(['deb:libbar1@1.1-1', 'deb:libbar1@1.2-1'].map(patch));
    await scanAt(store, 's1', ago(40), {
      'web-01': { findings: [{ patchId: 'deb:libbar1@1.1-1', state: 'missing', installed: '1.0-1' }] },
      'web-02': { findings: [{ patchId: 'deb:libbar1@1.1-1', state: 'missing', installed: '1.0-1' }] },
    });
    // Yesterday the mirror offers 1.2-1: web-01 still runs 1.0-1, web-02 had installed 1.1-1.
    await scanAt(store, 's2', ago(1), {
      'web-01': { findings: [{ patchId: 'deb:libbar1@1.2-1', state: 'missing', installed: '1.0-1' }] },
      'web-02': { findings: [{ patchId: 'deb:libbar1@1.2-1', state: 'missing', installed: '1.1-1' }] },
    });
    const hosts = [];
    for await (const page of complianceHosts(store, { sla: SLA, now: NOW })) hosts.push(...page);
    expect(hosts.map((h) => [h.host, h.status, h.missing.important])).toEqual([
      ['web-01', 'overdue', 1],
      ['web-02', 'compliant', 1],
    ]);
    expect(hosts[0]!.oldestOverdue).toMatchObject({ patchId: 'deb:libbar1@1.2-1', clockStart: ago(40), daysOverdue: 10 });
    // The summary (one statement over the per-host facts of migration 011) agrees.
    expect((await buildComplianceOverview(store, { sla: SLA, now: NOW })).total).toMatchObject({
      byStatus: { overdue: 1, compliant: 1 },
      oldestOverdue: { host: 'web-01', patchId: 'deb:libbar1@1.2-1' },
    });
  });
});
