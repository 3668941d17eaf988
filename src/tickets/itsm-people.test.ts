import { describe, expect, it } from 'vitest';
import type { Person } from '../people/person.ts';
import { personOfApprover, separationOf } from './itsm-people.ts';
import type { ApprovalDecision } from './ticketing.ts';

const people: Person[] = [
  { name: 'alice', email: 'alice@example.com', jira: 'acc-alice', servicenow: 'alice.liddell', roles: ['oncall'] },
  { name: 'olga', email: 'olga@example.com', roles: ['oncall'] },
  { name: 'dave', email: 'dave@example.com', jira: 'acc-dave', roles: ['cab'] },
];

const approved = (approver: string, id: string | null, verifiedEmail: string | null = null): ApprovalDecision => ({ approver, identity: { id, verifiedEmail }, decision: 'approved' });

describe('personOfApprover', () => {
  it.each<[string, ApprovalDecision, 'jira' | 'servicenow', string | undefined]>([
    ['by account id, whatever the display name', approved('Alice Liddell', 'acc-alice'), 'jira', 'alice'],
    ['by user_name on ServiceNow', approved('Alice Liddell', 'alice.liddell'), 'servicenow', 'alice'],
    ['never by display name: a user who calls themselves dave is not dave', approved('dave', 'acc-mallory'), 'jira', undefined],
    ['never by an e-mail shown as the name', approved('dave@example.com', null), 'jira', undefined],
    ['by a verified e-mail for someone without an id', approved('Olga O.', 'acc-olga', 'OLGA@example.com'), 'jira', 'olga'],
    ['not by e-mail for someone whose id is set: that account is theirs, no other', approved('Dave', 'acc-other', 'dave@example.com'), 'jira', undefined],
    ['an id from the other ITSM does not count', approved('Alice', 'acc-alice'), 'servicenow', undefined],
  ])('%s', (_what, decision, system, expected) => {
    expect(personOfApprover(people, system, decision)?.name).toBe(expected);
  });
});

describe('separationOf', () => {
  it.each<[string, string, ApprovalDecision[], string]>([
    ['another account approved', 'alice', [approved('Alice Liddell', 'acc-alice'), approved('CAB', 'acc-cab')], 'proven'],
    ['only the requester approved', 'alice', [approved('Alice Liddell', 'acc-alice')], 'requester-only'],
    ['the requester has no Jira id', 'olga', [approved('Dave', 'acc-dave')], 'unprovable'],
    ['the requester is not in people[]', 'zoe', [approved('Dave', 'acc-dave')], 'unprovable'],
    ['the approver has no id the ITSM vouches for', 'alice', [approved('Someone', null)], 'unprovable'],
    ['nobody is recorded as approving', 'alice', [], 'unprovable'],
  ])('%s', (_what, requester, decisions, expected) => {
    expect(separationOf(people, 'jira', requester, decisions, 'Jira').kind).toBe(expected);
  });

  it('says what to set when the requester has no id', () => {
    expect(separationOf(people, 'servicenow', 'olga', [approved('Dave', 'dave.d')], 'ServiceNow')).toEqual({
      kind: 'unprovable',
      why: 'olga (the requester) has no ServiceNow account id configured, so patchbot cannot tell whether someone other than the requester approved it',
      fix: 'set people[].servicenow for olga (their ServiceNow user_name) and restart patchbot',
    });
  });
});
