import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceNowTicketing } from '../../adapters/servicenow/servicenow-ticketing.ts';
import type { Ticketing } from '../../src/tickets/ticketing.ts';
import { type FakeServiceNow, startFakeServiceNow } from '../support/fake-servicenow.ts';
import { draft, ev } from './drafts.ts';

describe('ServiceNow ticket lifecycle (against the loopback fake)', () => {
  let sn: FakeServiceNow;
  let tickets: Ticketing;

  beforeAll(async () => {
    sn = await startFakeServiceNow({ approvers: ['CAB Manager', 'Dana Ops'] });
    tickets = serviceNowTicketing(sn.config(), { timeoutMs: 5_000 });
  });
  afterAll(() => sn.stop());

  it('runs a normal change approved in chat: created, approved, a note per wave, closed successful', async () => {
    const ref = await tickets.open(draft({ changeId: 'CHG-101' }));
    expect(ref).toMatchObject({ system: 'servicenow', key: expect.stringMatching(/^CHG00\d{5}$/) });
    expect(ref.url).toBe(`${sn.url}/change_request.do?sys_id=${sn.change(ref.key).sys_id}`);
    const created = sn.change(ref.key);
    expect(created).toMatchObject({ type: 'normal', state: '-5', approval: 'not requested' });
    expect(created.fields).toMatchObject({
      short_description: 'CHG-101: Apply DSA-5600-1 (openssl) to web',
      start_date: '2024-01-20 02:00:00',
      end_date: '2024-01-20 04:00:00',
      correlation_id: 'CHG-101',
      risk: '3',
      impact: '2',
      backout_plan: '1. xargs -a /var/tmp/patchbot-before apt-get install -y --allow-downgrades',
      test_plan: '1. systemctl is-system-running --wait',
    });
    expect(created.fields.description).toContain('web (3 hosts)\n\n- web-02\n- web-03\n- web-04');

    expect(await tickets.record(ref, ev.approved(['alice', 'bob']))).toEqual({ state: 'Scheduled', skipped: false });
    expect(sn.change(ref.key)).toMatchObject({ state: '-2', approval: 'approved' });
    expect(await tickets.record(ref, ev.wave(1, 2, 1))).toEqual({ state: 'Implement', skipped: false });
    expect(await tickets.record(ref, ev.wave(2, 2, 3))).toEqual({ state: 'Implement', skipped: false });
    expect(await tickets.record(ref, ev.completed('successful'))).toEqual({ state: 'Closed', skipped: false });

    const done = sn.change(ref.key);
    expect(done.state).toBe('3');
    expect(done.fields).toMatchObject({ close_code: 'successful', close_notes: expect.stringContaining('4 of 4 hosts patched') });
    const notes = sn.workNotes(ref.key);
    expect(notes.map((n) => n.split('\n')[0])).toEqual([
      'Approved in patchbot by alice, bob.',
      'Wave 1 of 2 done: 1 ok, 0 failed, 0 skipped (1 host).',
      'Wave 2 of 2 done: 3 ok, 0 failed, 0 skipped (3 hosts).',
      'Completed successfully: 4 of 4 hosts patched; rescan shows DSA-5600-1 installed',
    ]);
    expect(notes.every((n) => /\[patchbot event ev-\d+\]$/.test(n))).toBe(true);
  });

  it('sends the change for approval in ServiceNow and reads the CAB decision back', async () => {
    const ref = await tickets.open(draft({ changeId: 'CHG-102', approvalInItsm: true }));
    expect(sn.change(ref.key)).toMatchObject({ state: '-4', approval: 'requested' });
    expect(await tickets.approvalOf(ref)).toEqual({
      state: 'requested',
      decisions: [
        // The name labels; the dot-walked approver.user_name identifies.
        { approver: 'CAB Manager', identity: { id: 'cab.manager', verifiedEmail: null }, decision: 'requested' },
        { approver: 'Dana Ops', identity: { id: 'dana.ops', verifiedEmail: null }, decision: 'requested' },
      ],
    });

    sn.approve(ref.key);
    const approval = await tickets.approvalOf(ref);
    expect(approval.state).toBe('approved');
    expect(approval.decisions.map((d) => d.decision)).toEqual(['approved', 'approved']);

    // The CAB already scheduled it: the approved event only adds its note.
    expect(await tickets.record(ref, ev.approved(['CAB Manager']))).toEqual({ state: 'Scheduled', skipped: false });
    expect(sn.workNotes(ref.key)).toHaveLength(1);
  });

  it('reads a rejection and declines the ticket', async () => {
    const ref = await tickets.open(draft({ changeId: 'CHG-103', approvalInItsm: true }));
    sn.reject(ref.key, 'Erin CAB');
    expect((await tickets.approvalOf(ref)).state).toBe('rejected');
    expect(await tickets.record(ref, ev.rejected())).toEqual({ state: 'Canceled', skipped: false });
    expect(sn.change(ref.key)).toMatchObject({ state: '4', approval: 'rejected' });
  });

  it('runs an emergency change that halts and is backed out: closed unsuccessful', async () => {
    const ref = await tickets.open(draft({ changeId: 'CHG-104', changeClass: 'emergency', approvalInItsm: true, plannedStart: null, plannedEnd: null }));
    const created = sn.change(ref.key);
    expect(created).toMatchObject({ type: 'emergency', state: '-3', approval: 'requested' });
    expect(created.fields.start_date).toBeUndefined();
    expect(created.fields.description).toContain('Now: no maintenance window');

    await tickets.record(ref, ev.approved(['oncall-olga']));
    await tickets.record(ref, ev.wave(1, 2, 0, 1));
    expect(await tickets.record(ref, ev.halted())).toEqual({ state: 'Implement', skipped: false });
    expect(await tickets.record(ref, ev.rolledBack())).toEqual({ state: 'Closed', skipped: false });

    const done = sn.change(ref.key);
    expect(done.fields).toMatchObject({ close_code: 'unsuccessful', close_notes: 'Backed out: rollback ran on web-01; openssl back to 3.0.11' });
    expect(sn.workNotes(ref.key).map((n) => n.split(/[:\n]/)[0])).toEqual(['Approved in patchbot by oncall-olga.', 'Wave 1 of 2 done', 'Halted', 'Rolled back (backed out)']);
  });

  it('leaves a post-review emergency change in Review', async () => {
    const ref = await tickets.open(draft({ changeId: 'CHG-105', changeClass: 'emergency' }));
    await tickets.record(ref, ev.approved());
    await tickets.record(ref, ev.wave(1, 1, 4));
    expect(await tickets.record(ref, ev.completed('successful', true))).toEqual({ state: 'Review', skipped: false });
    expect(sn.change(ref.key)).toMatchObject({ state: '0', fields: expect.objectContaining({ close_code: 'successful' }) });
  });

  it('cancels and expires, and keeps taking notes on a closed ticket', async () => {
    const cancelled = await tickets.open(draft({ changeId: 'CHG-106' }));
    expect(await tickets.record(cancelled, ev.cancelled())).toEqual({ state: 'Canceled', skipped: false });
    expect(await tickets.record(cancelled, ev.note('Superseded; see CHG-9.'))).toEqual({ state: 'Canceled', skipped: false });
    expect(sn.workNotes(cancelled.key)).toEqual([expect.stringContaining('Cancelled in patchbot by bob: superseded by CHG-9'), expect.stringContaining('Superseded; see CHG-9.')]);

    const expired = await tickets.open(draft({ changeId: 'CHG-107', approvalInItsm: true }));
    expect(await tickets.record(expired, ev.expired())).toEqual({ state: 'Canceled', skipped: false });
  });

  it('says when a change was cancelled in ServiceNow by hand while patchbot goes on, and moves nothing', async () => {
    const ref = await tickets.open(draft({ changeId: 'CHG-109' }));
    expect(await tickets.record(ref, ev.approved(), { lastState: null })).toEqual({ state: 'Scheduled', skipped: false });
    sn.setStateByHand(ref.key, '4');
    expect(await tickets.record(ref, ev.wave(1, 2, 1), { lastState: 'Scheduled' })).toEqual({ state: 'Canceled', skipped: false, closedOutside: true });
    expect(sn.change(ref.key).state).toBe('4');
    expect(sn.workNotes(ref.key).at(-1)).toMatch(/^Wave 1 of 2 done/);
    expect(await tickets.record(ref, ev.wave(2, 2, 3), { lastState: 'Canceled' })).toEqual({ state: 'Canceled', skipped: false });
  });

  it('opens a standard change as pre-approved', async () => {
    const ref = await tickets.open(draft({ changeId: 'CHG-108', changeClass: 'standard', approvalInItsm: true }));
    expect(sn.change(ref.key)).toMatchObject({ type: 'standard', state: '-5', approval: 'not requested' });
    expect(await tickets.record(ref, ev.wave(1, 1, 4))).toEqual({ state: 'Implement', skipped: false });
  });

  it('never writes a [code] tag into a work note: journal fields render what it encloses as HTML', async () => {
    // A failed host's stderr (in a completion summary) or a person's reason, quoted as it came.
    const html = '[code]<a href="https://evil.example/sso">Approve CHG-109 here</a>[/code] and [ /CODE ]';
    const ref = await tickets.open(draft({ changeId: 'CHG-109' }));
    await tickets.record(ref, ev.note(`Completed: web-02: apply-debian-packages: install exited 100: ${html}`));
    await tickets.record(ref, { id: ev.rejected().id, kind: 'rejected', by: ['carol'], reason: html });
    const notes = sn.workNotes(ref.key).slice(-2);
    expect(notes).toHaveLength(2);
    for (const note of notes) {
      expect(note).not.toMatch(/\[\s*\/?\s*code\s*\]/i);
      // Still readable, and still stamped so a retry is recognised.
      expect(note).toContain('<a href="https://evil.example/sso">Approve CHG-109 here</a>');
      expect(note).toMatch(/\[patchbot event ev-\d+\]$/);
    }
  });
});
