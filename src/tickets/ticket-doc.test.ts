import { describe, expect, it } from 'vitest';
import { draftDocument, MAX_LISTED_HOSTS, plainText, utcText, windowText } from './ticket-doc.ts';
import type { TicketDraft } from './ticketing.ts';

const base: TicketDraft = {
  changeId: 'CHG-1',
  changeClass: 'normal',
  title: 't',
  description: 'First paragraph.\n\nSecond paragraph.',
  hosts: [{ group: 'pilot', hosts: ['a'] }],
  plannedStart: new Date('2024-03-01T22:05:00Z'),
  plannedEnd: new Date('2024-03-02T01:00:00Z'),
  implementationPlan: ['step one', 'step two'],
  backoutPlan: [],
  testPlan: ['check'],
  risk: 'low',
  impact: 'low',
  approvalInItsm: false,
};

describe('ticket documents', () => {
  it('renders the whole draft as plain text', () => {
    expect(plainText(draftDocument(base, true))).toBe(
      [
        'First paragraph.',
        'Second paragraph.',
        'Hosts:',
        'pilot (1 host)',
        '- a',
        'Window:',
        '2024-03-01 22:05 UTC to 2024-03-02 01:00 UTC',
        'Implementation plan:',
        '1. step one\n2. step two',
        'Backout plan:',
        'No rollback steps: the playbook cannot be backed out automatically.',
        'Test plan:',
        '1. check',
        'Risk and impact:',
        'Risk low, impact low, normal change.',
        'Opened by patchbot for change CHG-1.',
      ].join('\n\n'),
    );
  });

  it('leaves the plans out for systems with fields of their own', () => {
    expect(plainText(draftDocument(base, false))).not.toContain('plan');
  });

  it(`lists at most ${MAX_LISTED_HOSTS} hosts and counts the rest`, () => {
    const many = Array.from({ length: 150 }, (_, i) => `web-${i}`);
    const text = plainText(
      draftDocument(
        {
          ...base,
          hosts: [
            { group: 'web', hosts: many },
            { group: 'db', hosts: ['db-1', 'db-2'] },
          ],
        },
        false,
      ),
    );
    expect(text).toContain('web (150 hosts)');
    expect(text).toContain('- web-99\n- … and 50 more');
    expect(text).not.toContain('web-100');
    expect(text).toContain('db (2 hosts)\n\n- … and 2 more');
  });

  it('says when there is no window', () => {
    expect(windowText({ plannedStart: null, plannedEnd: null })).toMatch(/^Now/);
    expect(windowText({ plannedStart: new Date('2024-01-01T00:00:00Z'), plannedEnd: null })).toBe('From 2024-01-01 00:00 UTC');
    expect(utcText(new Date('2024-12-24T09:07:00+02:00'))).toBe('2024-12-24 07:07 UTC');
  });
});
