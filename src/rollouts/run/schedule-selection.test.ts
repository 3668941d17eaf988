import { describe, expect, it } from 'vitest';
import { ApprovalConfig } from '../../changes/approval-policy-config.ts';
import { ProposalSchedule } from '../../config/schema-windows.ts';
import type { CatalogPatch, Severity } from '../../discovery/patch.ts';
import { createLogger } from '../../shared/logger.ts';
import { scheduledPatches } from './schedule-selection.ts';

const at = new Date('2026-03-01T00:00:00Z');
/** A patch the hosts agree about, or one a host made stronger than the others say (`floor`). */
const patch = (id: string, severity: Severity, security: boolean, floor: { severity: Severity; security: boolean } = { severity, security }): CatalogPatch => ({
  id,
  title: id,
  severity,
  security,
  cves: [],
  rebootHint: false,
  firstSeen: at,
  floor,
});
const candidates = [
  patch('DSA-1-1', 'critical', true),
  // One host said critical and security, another moderate and not.
  patch('DSA-2-1', 'critical', true, { severity: 'moderate', security: false }),
  // One host said critical, another important: an `important` selector takes it either way.
  patch('DSA-3-1', 'critical', true, { severity: 'important', security: true }),
  patch('DSA-4-1', 'low', false),
];
const policies = { normal: { approvers: ['role:oncall'], required: 1 }, emergency: { approvers: ['role:oncall'], required: 1 }, standard: { required: 0 } };
const groups = [
  { name: 'staging', production: false },
  { name: 'prod-web', production: true },
];
const silent = createLogger({ level: 'silent' });
const pick = (input: Record<string, unknown>, approval: Record<string, unknown> = policies) =>
  scheduledPatches({
    schedule: ProposalSchedule.parse({ name: 'weekly', cron: '0 9 * * 2', targets: ['staging'], window: 'weekend', ...input }),
    approval: ApprovalConfig.parse(approval),
    groups,
    candidates,
    log: silent,
    firedAt: at.toISOString(),
  });

describe('which patches a recurring proposal selects', () => {
  it.each([
    // Pre-approved (the standard policy requires no vote): the weakest claim the hosts made.
    ['standard', 'security', ['DSA-1-1', 'DSA-3-1']],
    ['standard', 'critical', ['DSA-1-1']],
    ['standard', 'important', ['DSA-1-1', 'DSA-3-1']],
    ['standard', 'all', ['DSA-1-1', 'DSA-2-1', 'DSA-3-1', 'DSA-4-1']],
    ['standard', ['DSA-2-1'], ['DSA-2-1']],
    // A person approves: the strongest.
    ['normal', 'security', ['DSA-1-1', 'DSA-2-1', 'DSA-3-1']],
    ['normal', 'critical', ['DSA-1-1', 'DSA-2-1', 'DSA-3-1']],
  ])('class %s, patches %j → %j', (cls, selector, expected) => {
    expect(pick({ class: cls, patches: selector })).toEqual(expected);
  });

  it('reads the policy the proposal will get, not the class name: what grants is what decides', () => {
    // A standard policy that asks for a vote selects by the strongest claim; a normal one that asks for none, by the weakest.
    expect(pick({ class: 'standard', patches: 'critical' }, { ...policies, standard: { approvers: ['role:oncall'], required: 1 } })).toEqual(['DSA-1-1', 'DSA-2-1', 'DSA-3-1']);
    expect(pick({ class: 'normal', patches: 'critical' }, { ...policies, normal: { required: 0 } })).toEqual(['DSA-1-1']);
    // Production targets get the production policy, when there is one.
    const production = { ...policies, normal: { required: 0 }, production: { approvers: ['role:cab'], required: 2 } };
    expect(pick({ class: 'normal', patches: 'critical', targets: ['prod-web'] }, production)).toEqual(['DSA-1-1', 'DSA-2-1', 'DSA-3-1']);
    expect(pick({ class: 'normal', patches: 'critical', targets: ['staging'] }, production)).toEqual(['DSA-1-1']);
  });
});
