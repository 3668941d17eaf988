import { z } from 'zod';

export const ChangeClass = z.enum(['standard', 'normal', 'emergency']);
export type ChangeClass = z.infer<typeof ChangeClass>;

export const ChangeState = z.enum([
  'draft',
  'pending-approval',
  'approved',
  'scheduled',
  'running',
  'paused',
  'completed',
  'rejected',
  'expired',
  'cancelled',
  'halted',
  'failed',
  'rolled-back',
]);
export type ChangeState = z.infer<typeof ChangeState>;

/** A rollout: patches × target groups, approved by a policy, run in waves inside a window. */
export interface Change {
  id: string;
  class: ChangeClass;
  title: string;
  patches: string[];
  targets: string[];
  window: string | null;
  requester: string;
  /** Name of the approval policy chosen at proposal time; its rules are snapshotted in `policy`. */
  policyName: string;
  policy: ApprovalPolicySnapshot;
  state: ChangeState;
  /** The change this one rolls back, if any. */
  parentId: string | null;
  plan: unknown;
  postReview: boolean;
  createdAt: Date;
  updatedAt: Date;
  expiresAt: Date | null;
}

/** The approval rules as they were when the change was proposed; later config edits do not move the goalposts. */
export interface ApprovalPolicySnapshot {
  /** Who may approve: `role:<role>` or a person name. Empty = anyone but the requester. */
  eligible: string[];
  /** Approvals needed to decide. 0 = pre-approved. */
  required: number;
  /** When true a single eligible reject rejects the change. */
  rejectWins: boolean;
  /** Milliseconds from proposal until the change expires undecided; null = never. */
  expiresInMs: number | null;
  notify: string[];
  postReview: boolean;
}

export const VoteDecision = z.enum(['approve', 'reject']);
export type VoteDecision = z.infer<typeof VoteDecision>;

export interface Vote {
  changeId: string;
  person: string;
  decision: VoteDecision;
  comment: string | null;
  surface: string;
  at: Date;
}
