import { describe, expect, it } from 'vitest';
import type { TicketDraft } from '../../src/tickets/ticketing.ts';
import { changeRequestBody, glideDateTime } from './change-fields.ts';

const draft: TicketDraft = {
  changeId: 'CHG-3',
  changeClass: 'emergency',
  title: 'y'.repeat(200),
  description: 'Why.',
  hosts: [{ group: 'db', hosts: ['db-1'] }],
  plannedStart: new Date('2024-01-20T02:00:09Z'),
  plannedEnd: null,
  implementationPlan: ['apply'],
  backoutPlan: [],
  testPlan: [],
  risk: 'high',
  impact: 'high',
  approvalInItsm: false,
};

describe('change_request body', () => {
  it('maps the draft to change_request fields', () => {
    const body = changeRequestBody(draft, { assignmentGroup: '287ebd7da9fe198100f92cc8d1d2154e' });
    expect(body).toMatchObject({
      type: 'emergency',
      start_date: '2024-01-20 02:00:09',
      implementation_plan: '1. apply',
      backout_plan: 'No rollback steps: the playbook cannot be backed out automatically.',
      test_plan: 'No smoke checks.',
      risk: '2',
      impact: '1',
      correlation_id: 'CHG-3',
      correlation_display: 'patchbot',
      assignment_group: '287ebd7da9fe198100f92cc8d1d2154e',
    });
    expect(body.short_description).toHaveLength(160);
    expect(body.short_description!.startsWith('CHG-3: yyy')).toBe(true);
    expect(body).not.toHaveProperty('end_date');
    expect(body.description).toContain('db (1 host)\n\n- db-1');
    expect(body.description).not.toContain('Implementation plan');
  });

  it('writes dates in UTC, as the Table API reads them', () => {
    expect(glideDateTime(new Date('2024-12-31T23:59:59+01:00'))).toBe('2024-12-31 22:59:59');
  });
});
