import { describe, expect, it } from 'vitest';
import type { ApprovalPolicySnapshot, ChangeState, Vote, VoteDecision } from './change.ts';
import type { Person } from '../people/person.ts';
import { decideVote, isEligible, isExpired, tally } from './tally.ts';
import type { VoteInput } from './tally.ts';

const policy = (over: Partial<ApprovalPolicySnapshot> = {}): ApprovalPolicySnapshot => ({
  eligible: ['role:cab'],
  required: 3,
  rejectWins: false,
  expiresInMs: null,
  notify: [],
  postReview: false,
  ...over,
});
const person = (name: string, ...roles: string[]): Person => ({ name, roles });
const t0 = Date.parse('2024-05-01T10:00:00Z');
/** `vote('bob', 'approve', 2)`: bob approves at t0 + 2 minutes. */
const vote = (who: string, decision: VoteDecision, minute = 0): Vote => ({
  changeId: 'CHG-7',
  person: who,
  decision,
  comment: null,
  surface: 'slack',
  at: new Date(t0 + minute * 60_000),
});

describe('isEligible', () => {
  it.each([
    { eligible: ['role:cab'], who: person('bob', 'cab'), ok: true },
    { eligible: ['role:approver:prod-web'], who: person('bob', 'approver:prod-web'), ok: true },
    { eligible: ['role:oncall', 'carol'], who: person('carol'), ok: true },
    { eligible: [], who: person('dave', 'viewer'), ok: true },
    { eligible: ['role:approver:prod-web'], who: person('bob', 'approver:prod-db'), ok: false },
    { eligible: ['role:cab'], who: person('root', 'admin'), ok: false }, // admins are not approvers by default
    { eligible: [], who: person('alice', 'cab'), ok: false }, // the requester
  ])('$eligible, $who.name $who.roles → $ok', ({ eligible, who, ok }) => {
    expect(isEligible(policy({ eligible }), who, 'alice').ok).toBe(ok);
  });

  it.each([
    [person('alice', 'cab'), ['role:cab'], 'You requested this change; separation of duties means someone else must approve it.'],
    [person('bob', 'oncall'), ['role:cab'], 'Only role:cab members can vote on this change (you have: oncall).'],
    [person('eve'), ['role:cab', 'carol'], 'Only role:cab members or carol can vote on this change (you have: no roles).'],
  ])('explains the refusal to %o', (who, eligible, reason) => {
    expect(isEligible(policy({ eligible }), who, 'alice')).toEqual({ ok: false, reason });
  });
});

describe('tally', () => {
  it.each([
    { name: 'no votes', votes: [], approvals: [], rejections: [], outcome: 'pending' },
    { name: 'one short of quorum', votes: [vote('b', 'approve'), vote('c', 'approve')], approvals: ['b', 'c'], rejections: [], outcome: 'pending' },
    { name: 'quorum reached exactly at 3', votes: [vote('b', 'approve'), vote('c', 'approve'), vote('d', 'approve')], approvals: ['b', 'c', 'd'], rejections: [], outcome: 'approved' },
    { name: 'same person twice counts once', votes: [vote('b', 'approve', 0), vote('b', 'approve', 1), vote('c', 'approve')], approvals: ['b', 'c'], rejections: [], outcome: 'pending' },
    {
      name: 'later reject replaces approve',
      votes: [vote('b', 'approve', 0), vote('c', 'approve'), vote('d', 'approve'), vote('b', 'reject', 5)],
      approvals: ['c', 'd'],
      rejections: ['b'],
      outcome: 'pending',
    },
    { name: 'latest by time, not by list order', votes: [vote('b', 'approve', 5), vote('b', 'reject', 1)], approvals: ['b'], rejections: [], outcome: 'pending' },
    { name: 'requester never counts', votes: [vote('alice', 'approve'), vote('b', 'approve'), vote('c', 'approve')], approvals: ['b', 'c'], rejections: [], outcome: 'pending' },
    {
      name: 'reject without rejectWins just counts',
      votes: [vote('b', 'reject'), vote('c', 'approve'), vote('d', 'approve'), vote('e', 'approve')],
      approvals: ['c', 'd', 'e'],
      rejections: ['b'],
      outcome: 'approved',
    },
  ] as const)('$name → $outcome', ({ votes, approvals, rejections, outcome }) => {
    expect(tally(policy(), [...votes], 'alice')).toEqual({ approvals, rejections, outcome });
  });

  type Row = { name: string; over: Partial<ApprovalPolicySnapshot>; votes: Vote[]; electorate?: number | undefined; outcome: string };
  it.each<Row>([
    { name: 'rejectWins: one reject decides', over: { rejectWins: true }, votes: [vote('b', 'approve'), vote('c', 'reject')], electorate: undefined, outcome: 'rejected' },
    {
      name: 'rejectWins: reject beats a full quorum',
      over: { rejectWins: true, required: 1 },
      votes: [vote('b', 'approve'), vote('c', 'reject')],
      electorate: undefined,
      outcome: 'rejected',
    },
    { name: 'rejectWins: requester reject ignored', over: { rejectWins: true }, votes: [vote('alice', 'reject')], electorate: undefined, outcome: 'pending' },
    { name: 'pre-approved with no votes', over: { required: 0, eligible: [] }, votes: [], electorate: undefined, outcome: 'approved' },
    { name: 'electorate 4, 2 rejects: 3 unreachable', over: {}, votes: [vote('b', 'reject'), vote('c', 'reject')], electorate: 4, outcome: 'rejected' },
    { name: 'electorate 4, 1 reject: 3 still reachable', over: {}, votes: [vote('b', 'reject')], electorate: 4, outcome: 'pending' },
    { name: 'electorate 2, no rejects: left to expire', over: {}, votes: [vote('b', 'approve')], electorate: 2, outcome: 'pending' },
  ])('$name → $outcome', ({ over, votes, electorate, outcome }) => {
    expect(tally(policy(over), votes, 'alice', electorate).outcome).toBe(outcome);
  });
});

describe('isExpired', () => {
  it.each([
    [null, 10_000, false],
    [new Date(t0), -1, false],
    [new Date(t0), 0, true],
    [new Date(t0), 1, true],
  ] as const)('expiresAt %s, now = expiresAt %+d ms → %s', (expiresAt, delta, expired) => {
    expect(isExpired({ expiresAt }, new Date(t0 + delta))).toBe(expired);
  });
});

const input = (over: Partial<VoteInput> & { state?: ChangeState; policy?: ApprovalPolicySnapshot } = {}): VoteInput => ({
  change: { id: 'CHG-7', state: over.state ?? 'pending-approval', requester: 'alice', policy: over.policy ?? policy(), expiresAt: new Date(t0 + 3600_000) },
  person: person('d', 'cab'),
  decision: 'approve',
  comment: 'lgtm',
  surface: 'teams',
  existingVotes: [vote('b', 'approve'), vote('c', 'approve')],
  now: new Date(t0 + 10 * 60_000),
  ...over,
});

describe('decideVote', () => {
  it('the third CAB approval decides, and is recorded', () => {
    expect(decideVote(input())).toEqual({
      vote: { changeId: 'CHG-7', person: 'd', decision: 'approve', comment: 'lgtm', surface: 'teams', at: new Date(t0 + 10 * 60_000) },
      votes: [vote('b', 'approve'), vote('c', 'approve'), expect.objectContaining({ person: 'd', decision: 'approve' })],
      tally: { approvals: ['b', 'c', 'd'], rejections: [], outcome: 'approved' },
      decided: 'approved',
    });
  });

  it('a later click replaces the same person’s earlier vote: approve → reject flips the count', () => {
    const result = decideVote(input({ person: person('b', 'cab'), decision: 'reject' }));
    expect(result).toMatchObject({ tally: { approvals: ['c'], rejections: ['b'], outcome: 'pending' }, decided: null });
    expect('votes' in result && result.votes.map((v) => `${v.person}:${v.decision}`)).toEqual(['c:approve', 'b:reject']);
  });

  it('rejectWins: one eligible reject decides', () => {
    const result = decideVote(input({ policy: policy({ rejectWins: true }), decision: 'reject' }));
    expect(result).toMatchObject({ decided: 'rejected', tally: { rejections: ['d'], outcome: 'rejected' } });
  });

  it.each([
    ['approved', 'CHG-7 is already approved.'],
    ['rejected', 'CHG-7 is already rejected.'],
    ['cancelled', 'CHG-7 is already cancelled.'],
    ['expired', 'CHG-7 expired before it was decided.'],
    ['running', 'CHG-7 was already approved and is now running.'],
    ['draft', 'CHG-7 is still a draft; it has not been sent for approval.'],
  ] as const)('refuses a vote on a %s change', (state, reason) => {
    expect(decideVote(input({ state }))).toEqual({ refused: 'not-pending', reason });
  });

  it.each([
    { name: 'after expiry', over: { now: new Date(t0 + 3600_000) }, refused: 'expired', reason: 'CHG-7 expired at 2024-05-01T11:00:00.000Z without a decision; propose it again.' },
    {
      name: 'from the requester, even holding the role',
      over: { person: person('alice', 'cab') },
      refused: 'requester',
      reason: 'You requested this change; separation of duties means someone else must approve it.',
    },
    {
      name: 'from an ineligible person',
      over: { person: person('eve', 'oncall', 'admin') },
      refused: 'ineligible',
      reason: 'Only role:cab members can vote on this change (you have: oncall, admin).',
    },
  ] as const)('refuses a vote $name', ({ over, refused, reason }) => {
    expect(decideVote(input(over))).toEqual({ refused, reason });
  });

  it('passes the electorate to the tally: rejects that make quorum unreachable decide', () => {
    const result = decideVote(input({ decision: 'reject', existingVotes: [vote('b', 'reject')], electorateSize: 4 }));
    expect(result).toMatchObject({ decided: 'rejected', tally: { rejections: ['b', 'd'] } });
  });
});
