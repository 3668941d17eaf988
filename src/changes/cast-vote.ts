import { NotFoundError } from '../shared/errors.ts';
import type { PeopleRepos } from '../people/people-store.ts';
import type { Transactional } from '../store/transactional.ts';
import type { VoteDecision } from './change.ts';
import type { ChangeRepos } from './change-store.ts';
import { type Tally, decideVote, isEligible } from './tally.ts';
import { transitionChange, type TransitionTx } from './transition.ts';

/** A vote reads the change, its people and votes, and may move the change. */
export type VoteTx = TransitionTx & ChangeRepos & PeopleRepos;

export interface CastVoteInput {
  changeId: string;
  /** The configured person's name: authorization is by person, never by surface account. */
  person: string;
  decision: VoteDecision;
  comment?: string | null;
  surface: string;
  now?: Date;
}

export type CastVoteResult =
  { status: 'refused'; refusal: 'not-pending' | 'expired' | 'requester' | 'ineligible'; reason: string } | { status: 'counted'; tally: Tally; decided: 'approved' | 'rejected' | null };

/**
 * One click, Slack, Teams, console or ITSM alike. The change row is locked for the whole
 * transaction, so concurrent clicks are serialised: none is lost, none double-counts, and only one
 * can decide. A refusal changes nothing (an expired change is moved to `expired`, which is what
 * the click discovered).
 */
export const castVote = async (store: Transactional<VoteTx>, input: CastVoteInput): Promise<CastVoteResult> => {
  const now = input.now ?? new Date();
  return store.transaction(async (tx) => {
    const change = await tx.changes.getForUpdate(input.changeId);
    if (!change) throw new NotFoundError('change', input.changeId);
    const person = await tx.people.get(input.person);
    if (!person) throw new NotFoundError('person', input.person);
    const people = await tx.people.list();
    const electorateSize = people.filter((p) => isEligible(change.policy, p, change.requester).ok).length;

    const result = decideVote({
      change,
      person,
      decision: input.decision,
      comment: input.comment ?? null,
      surface: input.surface,
      existingVotes: await tx.votes.list(change.id),
      now,
      electorateSize,
    });
    if ('refused' in result) {
      if (result.refused === 'expired') await transitionChange(tx, change, 'expired', 'patchbot', now, { reason: 'approval window elapsed' });
      return { status: 'refused', refusal: result.refused, reason: result.reason };
    }
    await tx.votes.put(result.vote);
    await tx.audit.append({
      actor: person.name,
      action: 'vote.cast',
      subject: change.id,
      data: { decision: input.decision, comment: input.comment ?? null, surface: input.surface },
      at: now,
    });
    if (result.decided) {
      await transitionChange(tx, change, result.decided, person.name, now, {
        approvals: result.tally.approvals,
        rejections: result.tally.rejections,
      });
    }
    return { status: 'counted', tally: result.tally, decided: result.decided };
  });
};
