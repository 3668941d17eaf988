import type { ApprovalPolicySnapshot, ChangeState, Vote, VoteDecision } from './change.ts';
import type { Person } from '../people/person.ts';
import { hasRole } from '../people/person.ts';

export type Eligibility = { ok: true } | { ok: false; reason: string };

/**
 * `role:X` matches a person holding role X (also `role:approver:<group>`); a bare entry matches a
 * person's name; an empty list means any configured person. The requester never qualifies.
 * Admins are not eligible by virtue of being admin: admin rights manage patchbot, and letting them
 * approve anything would let one person both request (or push) and approve a change, which is
 * exactly what separation of duties forbids. Give an admin the approving role if they should vote.
 */
export const isEligible = (snapshot: ApprovalPolicySnapshot, person: Person, requester: string): Eligibility => {
  if (person.name === requester) {
    return {
      ok: false,
      reason: 'You requested this change; separation of duties means someone else must approve it.',
    };
  }
  if (snapshot.eligible.length === 0) return { ok: true };
  const matches = snapshot.eligible.some((entry) => (entry.startsWith('role:') ? hasRole(person, entry.slice('role:'.length)) : entry === person.name));
  if (matches) return { ok: true };
  const who = snapshot.eligible.map((e) => (e.startsWith('role:') ? `${e} members` : e)).join(' or ');
  const roles = person.roles.length ? person.roles.join(', ') : 'no roles';
  return { ok: false, reason: `Only ${who} can vote on this change (you have: ${roles}).` };
};

export type Outcome = 'pending' | 'approved' | 'rejected';

export interface Tally {
  approvals: string[];
  rejections: string[];
  outcome: Outcome;
}

/**
 * Counts the latest vote of each person (ties on `at`: the later one in the list), never the
 * requester's. Eligibility is checked when a vote is taken (decideVote), not here: the tally has
 * no people directory. `electorateSize` is the number of eligible people besides the requester;
 * with it, a change that rejections have made impossible to approve is rejected rather than left
 * to expire. Without a counted rejection it stays pending: a too-small electorate is a config
 * problem, not anyone's decision.
 */
export const tally = (snapshot: ApprovalPolicySnapshot, votes: readonly Vote[], requester: string, electorateSize?: number): Tally => {
  const latest = new Map<string, Vote>();
  for (const vote of votes) {
    if (vote.person === requester) continue;
    const seen = latest.get(vote.person);
    if (!seen || vote.at.getTime() >= seen.at.getTime()) latest.set(vote.person, vote);
  }
  const counted = [...latest.values()];
  const approvals = counted.filter((v) => v.decision === 'approve').map((v) => v.person);
  const rejections = counted.filter((v) => v.decision === 'reject').map((v) => v.person);
  return { approvals, rejections, outcome: outcomeOf(snapshot, approvals.length, rejections.length, electorateSize) };
};

const outcomeOf = (snapshot: ApprovalPolicySnapshot, approvals: number, rejections: number, electorateSize: number | undefined): Outcome => {
  if (snapshot.required === 0) return 'approved';
  // Checked before approvals: if both hold (e.g. votes merged from two surfaces), stay on the safe side.
  if (snapshot.rejectWins && rejections > 0) return 'rejected';
  if (approvals >= snapshot.required) return 'approved';
  if (electorateSize !== undefined && rejections > 0 && electorateSize - rejections < snapshot.required) {
    return 'rejected';
  }
  return 'pending';
};

export const isExpired = (change: { expiresAt: Date | null }, now: Date): boolean => change.expiresAt !== null && now.getTime() >= change.expiresAt.getTime();

export interface VoteInput {
  change: {
    id: string;
    state: ChangeState;
    requester: string;
    policy: ApprovalPolicySnapshot;
    expiresAt: Date | null;
  };
  person: Person;
  decision: VoteDecision;
  comment: string | null;
  surface: string;
  existingVotes: readonly Vote[];
  now: Date;
  electorateSize?: number;
}

export type VoteRefusal = 'not-pending' | 'expired' | 'requester' | 'ineligible';

export type VoteResult = { refused: VoteRefusal; reason: string } | { votes: Vote[]; vote: Vote; tally: Tally; decided: 'approved' | 'rejected' | null };

/**
 * Takes one click. Pure and deterministic: the store-backed use case runs it inside a transaction
 * that locks the change row, so concurrent clicks are serialised and only one can decide. On
 * `expired` the caller moves the change to `expired`; a refusal changes nothing else.
 */
export const decideVote = (input: VoteInput): VoteResult => {
  const { change, person, now } = input;
  if (change.state !== 'pending-approval') {
    return { refused: 'not-pending', reason: howDecided(change.id, change.state) };
  }
  if (isExpired(change, now)) {
    const at = change.expiresAt?.toISOString() ?? '';
    return { refused: 'expired', reason: `${change.id} expired at ${at} without a decision; propose it again.` };
  }
  const eligibility = isEligible(change.policy, person, change.requester);
  if (!eligibility.ok) {
    return { refused: person.name === change.requester ? 'requester' : 'ineligible', reason: eligibility.reason };
  }
  const vote: Vote = {
    changeId: change.id,
    person: person.name,
    decision: input.decision,
    comment: input.comment,
    surface: input.surface,
    at: now,
  };
  // One person, one vote: the new click replaces this person's earlier one.
  const votes = [...input.existingVotes.filter((v) => v.person !== person.name), vote];
  const result = tally(change.policy, votes, change.requester, input.electorateSize);
  return { votes, vote, tally: result, decided: result.outcome === 'pending' ? null : result.outcome };
};

const howDecided = (id: string, state: ChangeState): string => {
  switch (state) {
    case 'draft':
      return `${id} is still a draft; it has not been sent for approval.`;
    case 'approved':
    case 'rejected':
    case 'cancelled':
      return `${id} is already ${state}.`;
    case 'expired':
      return `${id} expired before it was decided.`;
    default:
      return `${id} was already approved and is now ${state}.`;
  }
};
