import { describe, expect, it } from 'vitest';
import { worstStatus } from './model.ts';
import { DAY_MS } from './policy.ts';
import { summarizeCompliance } from './summary.ts';
import { hostResult, NOW, overduePatch, reportOf } from '../../test/support/compliance-fixtures.ts';

const estate = () => [
  ...Array.from({ length: 42 }, (_, i) => hostResult(`web-${String(i + 10).padStart(2, '0')}`, 'compliant')),
  hostResult('db-01', 'overdue', { oldestOverdue: overduePatch('USN-6600-1', 3) }),
  hostResult('db-02', 'overdue', { oldestOverdue: overduePatch('DSA-5600-1', 12) }),
  hostResult('web-09', 'unknown', { lastScanAt: new Date(NOW.getTime() - 9 * DAY_MS) }),
];

describe('worstStatus', () => {
  it.each([
    [['compliant', 'at-risk'], 'at-risk'],
    [['at-risk', 'unknown'], 'unknown'],
    [['unknown', 'overdue', 'compliant'], 'overdue'],
  ] as const)('worst of %j is %s', (statuses, worst) => {
    expect(worstStatus(statuses, 'unknown')).toBe(worst);
  });
});

describe('summarizeCompliance', () => {
  it('says in one line how many hosts comply, the oldest overdue patch, and the stalest unknown host', () => {
    const { headline } = summarizeCompliance(reportOf(estate(), 'pci'));
    expect(headline).toBe('PCI DSS: 42 of 45 hosts compliant; 2 overdue (oldest: DSA-5600-1 on db-02, 12 days late); 1 unknown (web-09 not scanned for 9 days)');
  });

  it('names the scope and the framework note, states freshness, and caps each list', () => {
    const hosts = [...estate(), ...Array.from({ length: 7 }, (_, i) => hostResult(`app-${i}`, 'overdue', { oldestOverdue: overduePatch('KB5034441', 1) }))];
    const { headline, lines } = summarizeCompliance(reportOf(hosts, 'hipaa', 'prod-web'), { maxItems: 3 });
    expect(headline).toMatch(/^HIPAA \(prod-web\): 42 of 52 hosts compliant; 9 overdue/);
    expect(lines[0]).toMatch(/HIPAA sets no fixed patch deadline/);
    expect(lines[1]).toBe('From scans 2 h ago (oldest 9 days ago).');
    expect(lines.filter((l) => l.startsWith('Overdue:'))).toHaveLength(3);
    expect(lines).toContain('+6 more overdue hosts');
    expect(lines).toContain('Overdue: db-02: 1 patch late, oldest DSA-5600-1 (critical) 12 days late');
    expect(lines).toContain('Unknown: web-09: not scanned for 9 days');
  });

  it('reports an empty scope plainly', () => {
    expect(summarizeCompliance(reportOf([])).headline).toBe('SLA: no hosts to report on.');
  });

  it('explains unreachable and never-scanned hosts', () => {
    const report = reportOf([
      hostResult('a', 'unknown', { unknownReason: 'unreachable', lastScanOutcome: 'unreachable', lastScanAt: new Date(NOW.getTime() - 3 * 3_600_000) }),
      hostResult('b', 'unknown', { unknownReason: 'never-scanned', lastScanAt: null, lastScanOutcome: null }),
    ]);
    const { headline, lines } = summarizeCompliance(report);
    expect(headline).toBe('SLA: 0 of 2 hosts compliant; 2 unknown (b never scanned, +1 more)');
    expect(lines).toContain('From scans 3 h ago; 1 host unreachable, 1 never scanned.');
    expect(lines).toContain('Unknown: a: unreachable at its last scan, 3 h ago');
  });
});
