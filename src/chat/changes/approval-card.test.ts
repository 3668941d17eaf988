import { describe, expect, it } from 'vitest';
import type { Change } from '../../changes/change.ts';
import { Card } from '../card.ts';
import { cardProblems } from '../card-limits.ts';
import { approvalCard } from './approval-card.ts';

const change = (over: Partial<Change> = {}): Change => ({
  id: 'CHG-7',
  class: 'normal',
  title: 'KB5034441 to staging',
  patches: ['KB5034441'],
  targets: ['staging'],
  window: null,
  requester: 'alice',
  policyName: 'normal',
  policy: { eligible: ['role:oncall'], required: 1, rejectWins: false, expiresInMs: null, notify: [], postReview: false },
  state: 'pending-approval',
  parentId: null,
  plan: null,
  postReview: false,
  createdAt: new Date('2024-05-01T12:00:00Z'),
  updatedAt: new Date('2024-05-01T12:00:00Z'),
  expiresAt: null,
  ...over,
});
const empty = {
  hostCountsByGroup: new Map([['staging', 4]]),
  votes: [],
  tally: { approvals: [], rejections: [], outcome: 'pending' as const },
  tickets: [],
  when: 'window weeknights: next opens Mon 6 May 2024 22:00 UTC for 4h',
};
const valid = (card: Card) => {
  expect(Card.safeParse(card).success).toBe(true);
  expect(cardProblems(card)).toEqual([]);
  return card;
};

describe('approvalCard', () => {
  it('asks for no confirmation on a non-production normal change', () => {
    const card = valid(approvalCard(change(), empty));
    expect(card.text).toBe('0 of 1 on-call approval');
    expect(card.fields).toContainEqual({ label: 'Where', value: 'staging (4 hosts)' });
    expect(card.fields).toContainEqual({ label: 'When', value: 'window weeknights: next opens Mon 6 May 2024 22:00 UTC for 4h' });
    expect(card.actions?.map((a) => a.confirm)).toEqual([undefined, undefined]);
  });

  it('shows a pre-approved standard change without buttons', () => {
    const card = valid(approvalCard(change({ class: 'standard', policyName: 'standard', state: 'approved', policy: { ...change().policy, eligible: [], required: 0 } }), empty));
    expect(card.actions).toBeUndefined();
    expect(card.text).toMatch(/^Pre-approved/);
    expect(card.fields).toContainEqual({ label: 'Policy', value: 'standard: pre-approved' });
  });

  it('says an expired change expired, without buttons, and lists linked tickets', () => {
    const card = valid(approvalCard(change({ state: 'expired' }), { ...empty, tickets: [{ changeId: 'CHG-7', system: 'jira', key: 'OPS-12', url: null, state: 'Closed' }] }));
    expect(card.actions).toBeUndefined();
    expect(card.text).toContain('Expired without a decision');
    expect(card.fields).toContainEqual({ label: 'Tickets', value: 'jira OPS-12 (Closed)' });
  });

  it('stays within limits with hostile lengths', () => {
    const long = 'x'.repeat(5000);
    const card = approvalCard(change({ title: long, patches: Array.from({ length: 400 }, (_, i) => `KB${5000000 + i}`), requester: long }), {
      ...empty,
      votes: Array.from({ length: 30 }, (_, i) => ({ changeId: 'CHG-7', person: `p${i}`, decision: 'reject' as const, comment: long, surface: 'slack', at: new Date() })),
    });
    valid(card);
  });
});
