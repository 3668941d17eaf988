import type { ApprovalPolicySnapshot, ChangeClass } from './change.ts';
import { policiesOf } from './approval-policy-config.ts';
import type { ApprovalConfig, ApprovalPolicyConfig } from './approval-policy-config.ts';
import { ConfigError } from '../shared/errors.ts';

export interface ChosenPolicy {
  name: string;
  snapshot: ApprovalPolicySnapshot;
}

/**
 * Picks the policy by change class, and for normal changes by target: production targets ask more
 * (the `production` policy) when the config defines one. Emergency and standard changes keep their
 * own policy even on production; emergency trades the CAB vote for `notify` + `postReview`.
 */
export const choosePolicy = (approval: ApprovalConfig, changeClass: ChangeClass, targets: { production: boolean }): ChosenPolicy => {
  const policies = policiesOf(approval);
  const name = changeClass === 'normal' && targets.production && policies.production ? 'production' : changeClass;
  const policy = policies[name];
  if (!policy) {
    throw new ConfigError('approval config', [`policy "${name}" is missing; add approval.${name}`]);
  }
  return { name, snapshot: snapshotOf(name, policy) };
};

/**
 * May a change of this class, under the policy chosen for it, start `now`? Emergencies always
 * may (that is what they are); others as their policy's `allowNow` says.
 */
export const policyAllowsNow = (approval: ApprovalConfig, changeClass: ChangeClass, policyName: string): boolean =>
  changeClass === 'emergency' || policiesOf(approval)[policyName]?.allowNow !== false;

/** Freezes the rules onto the change so a later config edit cannot move the goalposts. */
export const snapshotOf = (name: string, policy: ApprovalPolicyConfig): ApprovalPolicySnapshot => {
  const required = policy.required ?? policy.quorum;
  // Never default to 0: that would silently pre-approve changes under a malformed policy.
  if (required === undefined) {
    throw new ConfigError('approval config', [`approval.${name} needs required or quorum`]);
  }
  return {
    eligible: [...(policy.approvers ?? policy.voters ?? [])],
    required,
    rejectWins: policy.rejectWins ?? false,
    expiresInMs: policy.expiresIn ?? null,
    notify: [...(policy.notify ?? [])],
    postReview: policy.postReview ?? false,
  };
};

/** A change under this policy is approved when proposed, with no person's vote (`standard` by default). */
export const isPreApproved = (snapshot: Pick<ApprovalPolicySnapshot, 'required'>): boolean => snapshot.required === 0;

/** "role:cab or alice"; an empty list means anyone configured except the requester. */
export const describeEligible = (eligible: readonly string[]): string => (eligible.length ? eligible.join(' or ') : 'anyone but the requester');

/** Short text for cards: "needs 3 of role:cab, a reject decides", "pre-approved". */
export const describePolicy = (snapshot: ApprovalPolicySnapshot): string => {
  if (snapshot.required === 0) return 'pre-approved';
  const who = describeEligible(snapshot.eligible);
  const base =
    snapshot.required === 1 ? `needs 1 approval from ${who}` : snapshot.eligible.length ? `needs ${snapshot.required} of ${who}` : `needs ${snapshot.required} approvals from ${who}`;
  return snapshot.rejectWins ? `${base}, a reject decides` : base;
};
