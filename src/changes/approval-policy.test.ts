import { describe, expect, it } from 'vitest';
import { ApprovalConfig } from './approval-policy-config.ts';
import { choosePolicy, describePolicy } from './approval-policy.ts';
import type { ApprovalPolicySnapshot } from './change.ts';
import { ConfigError } from '../shared/errors.ts';

// The example section of DESIGN §3, parsed as the config loader would.
const approval = ApprovalConfig.parse({
  normal: { approvers: ['role:oncall'], required: 1 },
  production: { voters: ['role:cab'], quorum: 3, rejectWins: true, expiresIn: '48h' },
  emergency: { approvers: ['role:oncall'], required: 1, notify: ['role:cab'], postReview: true },
  standard: { required: 0 },
});
const withoutProduction = ApprovalConfig.parse({
  normal: { approvers: ['role:oncall'], required: 1 },
  emergency: { approvers: ['role:oncall'], required: 1 },
  standard: { required: 0 },
});

const oncall1: ApprovalPolicySnapshot = {
  eligible: ['role:oncall'],
  required: 1,
  rejectWins: false,
  expiresInMs: null,
  notify: [],
  postReview: false,
};
const cab3: ApprovalPolicySnapshot = {
  eligible: ['role:cab'],
  required: 3,
  rejectWins: true,
  expiresInMs: 48 * 3600_000,
  notify: [],
  postReview: false,
};
const emergency: ApprovalPolicySnapshot = { ...oncall1, notify: ['role:cab'], postReview: true };
const standard: ApprovalPolicySnapshot = {
  eligible: [],
  required: 0,
  rejectWins: false,
  expiresInMs: null,
  notify: [],
  postReview: false,
};

describe('choosePolicy', () => {
  it.each([
    { changeClass: 'normal', production: false, config: approval, name: 'normal', snapshot: oncall1 },
    { changeClass: 'normal', production: true, config: approval, name: 'production', snapshot: cab3 },
    { changeClass: 'normal', production: true, config: withoutProduction, name: 'normal', snapshot: oncall1 },
    { changeClass: 'emergency', production: false, config: approval, name: 'emergency', snapshot: emergency },
    { changeClass: 'emergency', production: true, config: approval, name: 'emergency', snapshot: emergency },
    { changeClass: 'standard', production: false, config: approval, name: 'standard', snapshot: standard },
    { changeClass: 'standard', production: true, config: approval, name: 'standard', snapshot: standard },
  ] as const)('$changeClass, production=$production → $name', ({ changeClass, production, config, name, snapshot }) => {
    expect(choosePolicy(config, changeClass, { production })).toEqual({ name, snapshot });
  });

  it('snapshots a copy, so editing the config later does not move the goalposts', () => {
    const config = ApprovalConfig.parse({
      normal: { approvers: ['alice'], required: 1 },
      emergency: { required: 1 },
      standard: { required: 0 },
    });
    const { snapshot } = choosePolicy(config, 'normal', { production: false });
    config.normal?.approvers?.push('mallory');
    expect(snapshot.eligible).toEqual(['alice']);
  });

  it('says which policy is missing instead of pre-approving', () => {
    const broken = { source: 'chat', normal: { approvers: ['role:oncall'] } } as unknown as ApprovalConfig;
    expect(() => choosePolicy(broken, 'emergency', { production: false })).toThrow(ConfigError);
    expect(() => choosePolicy(broken, 'normal', { production: false })).toThrow(/needs required or quorum/);
  });
});

describe('describePolicy', () => {
  it.each<[ApprovalPolicySnapshot, string]>([
    [cab3, 'needs 3 of role:cab, a reject decides'],
    [{ ...cab3, rejectWins: false }, 'needs 3 of role:cab'],
    [oncall1, 'needs 1 approval from role:oncall'],
    [{ ...oncall1, eligible: ['role:oncall', 'alice'] }, 'needs 1 approval from role:oncall or alice'],
    [{ ...standard, required: 2 }, 'needs 2 approvals from anyone but the requester'],
    [standard, 'pre-approved'],
  ])('%o → %s', (snapshot, text) => {
    expect(describePolicy(snapshot)).toBe(text);
  });
});
