import { describe, expect, it } from 'vitest';
import type { TicketDraft } from '../../src/tickets/ticketing.ts';
import { changeLabel, issueCreateBody, jiraDateTime } from './issue-fields.ts';

const draft: TicketDraft = {
  changeId: 'CHG-12',
  changeClass: 'emergency',
  title: 'x'.repeat(300),
  description: 'd',
  hosts: [],
  plannedStart: null,
  plannedEnd: null,
  implementationPlan: [],
  backoutPlan: [],
  testPlan: [],
  risk: 'high',
  impact: 'low',
  approvalInItsm: true,
};
const text = (blocks: unknown[]) => `${blocks.length} blocks`;

describe('Jira create-issue body', () => {
  it('sets the system fields, caps the summary, and labels the change', () => {
    const { fields } = issueCreateBody(draft, { projectKey: 'OPS', issueType: 'Change', fields: {} }, text);
    expect(fields.project).toEqual({ key: 'OPS' });
    expect(fields.issuetype).toEqual({ name: 'Change' });
    expect((fields.summary as string).length).toBe(255);
    expect(fields.summary).toMatch(/^CHG-12: x+…$/);
    expect(fields.labels).toEqual(['patchbot', 'patchbot-CHG-12', 'emergency-change']);
    expect(Object.keys(fields).sort()).toEqual(['description', 'issuetype', 'labels', 'project', 'summary']);
  });

  it('fills only mapped custom fields, and skips dates the draft does not have', () => {
    const { fields } = issueCreateBody(
      draft,
      { projectKey: 'OPS', issueType: 'Change', fields: { changeType: 'customfield_1', risk: 'customfield_2', plannedStart: 'customfield_3' } },
      text,
    );
    expect(fields).toMatchObject({ customfield_1: { value: 'Emergency' }, customfield_2: { value: 'High' } });
    expect(fields).not.toHaveProperty('customfield_3');
  });

  it('formats dates and labels as Jira takes them', () => {
    expect(jiraDateTime(new Date('2024-01-20T02:00:00Z'))).toBe('2024-01-20T02:00:00.000+0000');
    expect(changeLabel('CHG 7')).toBe('patchbot-CHG-7');
  });
});
