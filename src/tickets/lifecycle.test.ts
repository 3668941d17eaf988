import { describe, expect, it } from 'vitest';
import { eventStamp, moveFor, stampedNote } from './lifecycle.ts';
import type { TicketEvent } from './ticketing.ts';

const id = 'ev-1';

describe('moveFor: what each change event does to its ticket', () => {
  it.each<[string, TicketEvent, string | null, string | null, string | null]>([
    ['approved', { id, kind: 'approved', approvers: ['alice', 'bob'] }, 'scheduled', null, 'Approved in patchbot by alice, bob.'],
    ['a wave', { id, kind: 'wave', wave: 2, of: 3, ok: 18, failed: 1, skipped: 1 }, 'implementing', null, 'Wave 2 of 3 done: 18 ok, 1 failed, 1 skipped (20 hosts).'],
    [
      'a halt',
      { id, kind: 'halted', reason: 'smoke check failed on web-02' },
      'implementing',
      null,
      'Halted: smoke check failed on web-02. Waiting for a decision in chat: resume, roll back or abort.',
    ],
    ['success', { id, kind: 'completed', outcome: 'successful', summary: 'all patched', postReview: false }, 'completed', 'successful', 'Completed successfully: all patched'],
    ['failure', { id, kind: 'completed', outcome: 'unsuccessful', summary: '2 failed', postReview: false }, 'failed', 'unsuccessful', 'Completed unsuccessfully: 2 failed'],
    [
      'success under review',
      { id, kind: 'completed', outcome: 'successful', summary: 'ok', postReview: true },
      'review',
      'successful',
      'Completed successfully: ok Left in review for the post-implementation review.',
    ],
    [
      'a dry run, nothing implemented',
      { id, kind: 'completed', outcome: 'successful', summary: '4 of 4 hosts would be patched (dry run).', postReview: true, dryRun: true },
      'canceled',
      null,
      'Dry run completed: 4 of 4 hosts would be patched (dry run). Cancelled, not closed successful: nothing was implemented.',
    ],
    ['a rollback', { id, kind: 'rolled-back', summary: 'web-01 restored' }, 'failed', 'unsuccessful', 'Rolled back (backed out): web-01 restored'],
    ['a cancel', { id, kind: 'cancelled', by: 'bob', reason: null }, 'canceled', null, 'Cancelled in patchbot by bob.'],
    ['an expiry', { id, kind: 'expired' }, 'canceled', null, 'Expired: no approval decision before the deadline; patchbot will not run this change.'],
    ['a rejection', { id, kind: 'rejected', by: ['carol'], reason: 'freeze' }, 'declined', null, 'Rejected in patchbot by carol: freeze'],
    ['a note', { id, kind: 'note', text: 'hello' }, null, null, 'hello'],
  ])('%s', (_name, event, phase, code, note) => {
    const move = moveFor(event);
    expect(move.phase).toBe(phase);
    expect(move.closure?.code ?? null).toBe(code);
    expect(move.note).toBe(note);
  });

  it('records the approval decision patchbot made', () => {
    expect(moveFor({ id, kind: 'approved', approvers: [] }).approval).toBe('approved');
    expect(moveFor({ id, kind: 'rejected', by: [], reason: null }).approval).toBe('rejected');
    expect(moveFor({ id, kind: 'wave', wave: 1, of: 1, ok: 1, failed: 0, skipped: 0 }).approval).toBeNull();
  });

  it('closes a backed-out change with notes that say so', () => {
    expect(moveFor({ id, kind: 'rolled-back', summary: 'done' }).closure).toEqual({ code: 'unsuccessful', notes: 'Backed out: done' });
  });

  it('stamps notes so that ev-1 is not mistaken for ev-10', () => {
    const note = stampedNote({ id: 'ev-10', kind: 'note', text: 'x' });
    expect(note).toBe('x\n[patchbot event ev-10]');
    expect(note.includes(eventStamp('ev-1'))).toBe(false);
  });
});
