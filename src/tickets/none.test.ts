import { describe, expect, it } from 'vitest';
import { noneTicketing } from './none.ts';

describe('none ticketing', () => {
  it('makes the change record the ticket and records nothing elsewhere', async () => {
    const tickets = noneTicketing();
    expect(tickets.kind).toBe('none');
    const opened = await tickets.open({
      changeId: 'CHG-3',
      changeClass: 'normal',
      title: 't',
      description: '',
      hosts: [],
      plannedStart: null,
      plannedEnd: null,
      implementationPlan: [],
      backoutPlan: [],
      testPlan: [],
      risk: 'low',
      impact: 'low',
      approvalInItsm: true,
    });
    expect(opened).toEqual({ system: 'none', key: 'CHG-3', url: null });
    const ref = await tickets.find('CHG-3');
    expect(ref).toEqual(opened);
    expect(await tickets.record(ref!, { id: 'e', kind: 'note', text: 'x' })).toEqual({ state: null, skipped: false });
    expect(await tickets.approvalOf(ref!)).toEqual({ state: 'not-requested', decisions: [] });
  });
});
