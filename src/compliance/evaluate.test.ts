import { describe, expect, it } from 'vitest';
import type { Finding, FindingState, HostScan, Patch, Severity } from '../discovery/patch.ts';
import { evaluateHost, unknownReason } from './evaluate.ts';
import { DAY_MS, type FrameworkName, policyFor, type SlaConfig } from './policy.ts';

const NOW = new Date('2024-03-01T00:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const SLA: SlaConfig = { critical: 7 * DAY_MS, important: 30 * DAY_MS, moderate: 90 * DAY_MS, low: 180 * DAY_MS };

interface Case {
  name: string;
  severity: Severity;
  security?: boolean;
  state?: FindingState;
  /** When this host was first seen missing the patch. */
  missingFor: number;
  /** When the patch was first seen anywhere; defaults to the finding's time. */
  patchAge?: number;
  framework?: FrameworkName;
  sla?: SlaConfig;
  status: 'compliant' | 'at-risk' | 'overdue';
  days?: number;
}

const CASES: Case[] = [
  { name: 'exactly at the deadline is on time (at risk, 0 days left)', severity: 'critical', missingFor: 7 * DAY_MS, status: 'at-risk', days: 0 },
  { name: '1 ms past the deadline is overdue, 1 day late', severity: 'critical', missingFor: 7 * DAY_MS + 1, status: 'overdue', days: 1 },
  { name: 'a day and a half late reads as 1 day late (whole days)', severity: 'critical', missingFor: 8.5 * DAY_MS, status: 'overdue', days: 1 },
  { name: '3 days before a 7-day deadline is at risk (3 d > 25 %)', severity: 'critical', missingFor: 4 * DAY_MS, status: 'at-risk', days: 3 },
  { name: '1 ms before the at-risk window is compliant', severity: 'critical', missingFor: 4 * DAY_MS - 1, status: 'compliant' },
  { name: 'low: the last 25 % (45 of 180 days) is at risk', severity: 'low', missingFor: 135 * DAY_MS, status: 'at-risk', days: 45 },
  { name: 'low: 1 ms before its last quarter is compliant', severity: 'low', missingFor: 135 * DAY_MS - 1, status: 'compliant' },
  { name: 'unknown severity uses the moderate SLA (not late at 60 days)', severity: 'unknown', missingFor: 60 * DAY_MS, status: 'compliant' },
  { name: 'unknown severity is late after 90 days', severity: 'unknown', missingFor: 90 * DAY_MS + 1, status: 'overdue', days: 1 },
  { name: 'installed findings are not measured', severity: 'critical', state: 'installed', missingFor: 400 * DAY_MS, status: 'compliant' },
  { name: 'excluded findings are not measured', severity: 'critical', state: 'excluded', missingFor: 400 * DAY_MS, status: 'compliant' },
  { name: 'pending reboot is not yet in effect: the clock runs', severity: 'critical', state: 'pending-reboot', missingFor: 10 * DAY_MS, status: 'overdue', days: 3 },
  { name: 'a failed install is still missing', severity: 'important', state: 'failed', missingFor: 31 * DAY_MS, status: 'overdue', days: 1 },
  { name: 'a non-security patch counts under the internal SLA', severity: 'critical', security: false, missingFor: 8 * DAY_MS, status: 'overdue', days: 1 },
  // PCI DSS 6.3.3
  { name: 'pci caps critical at 30 days', severity: 'critical', missingFor: 31 * DAY_MS, framework: 'pci', sla: { ...SLA, critical: 45 * DAY_MS }, status: 'overdue', days: 1 },
  { name: 'without pci the 45-day critical SLA holds', severity: 'critical', missingFor: 31 * DAY_MS, sla: { ...SLA, critical: 45 * DAY_MS }, status: 'compliant' },
  { name: 'pci keeps a shorter configured critical SLA', severity: 'critical', missingFor: 8 * DAY_MS, framework: 'pci', status: 'overdue', days: 1 },
  {
    name: 'pci leaves important at the configured SLA',
    severity: 'important',
    missingFor: 45 * DAY_MS,
    framework: 'pci',
    sla: { ...SLA, important: 60 * DAY_MS },
    status: 'at-risk',
    days: 15,
  },
  { name: 'pci ignores non-security patches', severity: 'critical', security: false, missingFor: 400 * DAY_MS, framework: 'pci', status: 'compliant' },
  { name: 'pci counts from the first sighting in the estate', severity: 'critical', missingFor: DAY_MS, patchAge: 40 * DAY_MS, framework: 'pci', status: 'overdue', days: 33 },
  // HIPAA: no day count of its own
  { name: 'hipaa uses the configured SLA', severity: 'critical', missingFor: 8 * DAY_MS, framework: 'hipaa', status: 'overdue', days: 1 },
  { name: 'hipaa ignores non-security patches', severity: 'low', security: false, missingFor: 400 * DAY_MS, framework: 'hipaa', status: 'compliant' },
  { name: 'hipaa counts from the host first missing it', severity: 'critical', missingFor: DAY_MS, patchAge: 40 * DAY_MS, framework: 'hipaa', status: 'compliant' },
];

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
