import type { FindingState, Severity } from '../../src/discovery/patch.ts';
import { DAY_MS, type FrameworkName, type SlaConfig } from '../../src/compliance/policy.ts';

/** The rules' edge cases, one patch on one host each: the oracle's tests and the SQL's comparison with it use the same list. */
export const NOW = new Date('2024-03-01T00:00:00Z');
export const ago = (ms: number) => new Date(NOW.getTime() - ms);
export const SLA: SlaConfig = { critical: 7 * DAY_MS, important: 30 * DAY_MS, moderate: 90 * DAY_MS, low: 180 * DAY_MS };

export interface Case {
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

export const CASES: Case[] = [
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
