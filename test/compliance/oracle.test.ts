import { describe, expect, it } from 'vitest';
import type { Finding, FindingState, HostScan, Patch, Severity } from '../../src/discovery/patch.ts';
import { DAY_MS, policyFor } from '../../src/compliance/policy.ts';
import { CASES, NOW, SLA, ago } from '../support/compliance-cases.ts';
import { evaluateHost, rollupGroup, unknownReason } from '../support/compliance-oracle.ts';
import { hostResult, overduePatch } from '../support/compliance-fixtures.ts';

const okScan = (at: Date, outcome: HostScan['outcome'] = 'ok'): HostScan => ({ scanId: 's1', host: 'web-01', outcome, startedAt: at, finishedAt: at });
const patchOf = (id: string, severity: Severity, security: boolean, firstSeen: Date): Patch => ({ id, title: id, severity, security, cves: [], rebootHint: false, firstSeen });
const findingOf = (patchId: string, state: FindingState, firstSeen: Date): Finding => ({ host: 'web-01', patchId, state, firstSeen, lastSeen: NOW, scanId: 's1' });

describe('evaluateHost', () => {
  it.each(CASES)('$name', (c) => {
    const patch = patchOf('DSA-5600-1', c.severity, c.security ?? true, ago(c.patchAge ?? c.missingFor));
    const result = evaluateHost(
      {
        host: 'web-01',
        groups: ['prod-web'],
        findings: [findingOf(patch.id, c.state ?? 'missing', ago(c.missingFor))],
        patches: new Map([[patch.id, patch]]),
        lastScan: okScan(ago(3_600_000)),
      },
      { policy: policyFor(c.framework ?? null, c.sla ?? SLA), now: NOW },
    );
    expect(result.status).toBe(c.status);
    if (c.status === 'overdue') expect(result.oldestOverdue).toMatchObject({ patchId: 'DSA-5600-1', daysOverdue: c.days });
    if (c.status === 'at-risk') expect(result.atRisk[0]?.daysLeft).toBe(c.days);
    if (c.status === 'compliant') expect([...result.overdue, ...result.atRisk]).toEqual([]);
  });

  it('counts open patches by severity, pending reboots, and orders overdue patches most late first', () => {
    const patches = [patchOf('USN-1-1', 'low', true, ago(200 * DAY_MS)), patchOf('DSA-2-1', 'critical', true, ago(20 * DAY_MS)), patchOf('KB5034441', 'important', true, ago(DAY_MS))];
    const findings = [findingOf('USN-1-1', 'missing', ago(200 * DAY_MS)), findingOf('DSA-2-1', 'pending-reboot', ago(20 * DAY_MS)), findingOf('KB5034441', 'missing', ago(DAY_MS))];
    const result = evaluateHost({ host: 'web-01', groups: [], findings, patches: new Map(patches.map((p) => [p.id, p])), lastScan: okScan(NOW) }, { policy: policyFor(null, SLA), now: NOW });
    expect(result.missing).toEqual({ critical: 1, important: 1, moderate: 0, low: 1, unknown: 0 });
    expect(result.pendingReboot).toBe(1);
    expect(result.overdue.map((o) => [o.patchId, o.daysOverdue])).toEqual([
      ['USN-1-1', 20],
      ['DSA-2-1', 13],
    ]);
    expect(result.oldestOverdue?.patchId).toBe('USN-1-1');
  });

  it('keeps a patch missing from the catalog visible, as unrated security', () => {
    const result = evaluateHost(
      { host: 'web-01', groups: [], findings: [findingOf('DSA-9-1', 'missing', ago(100 * DAY_MS))], patches: new Map(), lastScan: okScan(NOW) },
      { policy: policyFor('pci', SLA), now: NOW },
    );
    expect(result).toMatchObject({ status: 'overdue', missing: { unknown: 1 } });
  });
});

describe('freshness', () => {
  const FRESH = ago(DAY_MS);
  it.each([
    ['never scanned', null, 'never-scanned'],
    ['unreachable at the last scan', okScan(FRESH, 'unreachable'), 'unreachable'],
    ['last scan failed', okScan(FRESH, 'failed'), 'scan-failed'],
    ['scanned exactly 7 days ago', okScan(ago(7 * DAY_MS)), null],
    ['scanned 7 days and 1 ms ago', okScan(ago(7 * DAY_MS + 1)), 'stale'],
  ] as const)('%s → %s', (_name, scan, reason) => {
    expect(unknownReason(scan, NOW)).toBe(reason);
  });

  it('an unreachable host is unknown, and still shows what it last missed', () => {
    const patch = patchOf('DSA-5600-1', 'critical', true, ago(30 * DAY_MS));
    const result = evaluateHost(
      { host: 'web-01', groups: [], findings: [findingOf(patch.id, 'missing', patch.firstSeen)], patches: new Map([[patch.id, patch]]), lastScan: okScan(ago(DAY_MS), 'unreachable') },
      { policy: policyFor(null, SLA), now: NOW },
    );
    expect(result).toMatchObject({ status: 'unknown', unknownReason: 'unreachable', oldestOverdue: { patchId: 'DSA-5600-1', daysOverdue: 23 } });
  });

  it('honours a custom staleness threshold', () => {
    expect(unknownReason(okScan(ago(2 * DAY_MS)), NOW, DAY_MS)).toBe('stale');
  });
});

describe('rollupGroup', () => {
  it('takes the worst status, counts at-risk hosts as compliant, and finds the oldest overdue patch', () => {
    const group = rollupGroup('prod-web', [
      hostResult('a', 'compliant'),
      hostResult('b', 'at-risk'),
      hostResult('c', 'overdue', { oldestOverdue: overduePatch('DSA-1-1', 2) }),
      hostResult('d', 'unknown', { oldestOverdue: overduePatch('DSA-2-1', 40) }),
    ]);
    expect(group).toMatchObject({ hosts: 4, status: 'overdue', compliantPct: 50, byStatus: { compliant: 1, 'at-risk': 1, overdue: 1, unknown: 1 } });
    // The unknown host's last-known lateness stays on the host row, not on the group.
    expect(group.oldestOverdue).toMatchObject({ host: 'c', patchId: 'DSA-1-1' });
  });

  it('calls an empty group unknown, not vacuously compliant', () => {
    expect(rollupGroup('empty', [])).toMatchObject({ hosts: 0, status: 'unknown', compliantPct: null });
  });
});
