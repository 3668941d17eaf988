import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Change } from '../../src/changes/change.ts';
import { transitionChange } from '../../src/changes/transition.ts';
import { appendWaveEvent } from '../../src/tickets/outbox-events.ts';
import { availableEngines, type FreshStore, openFresh } from '../support/engines.ts';

/** The outbox on every engine: numbering, one send in flight per ticket, what each transition appends. */

const at = new Date('2024-03-01T10:00:00Z');
const later = (ms: number) => new Date(at.getTime() + ms);

const change = (id: string, extra: Partial<Change> = {}): Change => ({
  id,
  class: 'normal',
  title: 'patch web',
  patches: ['KB5034441'],
  targets: ['web'],
  window: 'now',
  requester: 'alice',
  policyName: 'normal',
  policy: { eligible: ['role:oncall'], required: 1, rejectWins: false, expiresInMs: null, notify: [], postReview: false },
  state: 'draft',
  parentId: null,
  plan: null,
  postReview: false,
  createdAt: at,
  updatedAt: at,
  expiresAt: null,
  ...extra,
});

describe.each(availableEngines())('ticket outbox on %s', (engine) => {
  let opened: FreshStore;
  beforeAll(async () => {
    opened = await openFresh(engine);
  }, 60_000);
  afterAll(async () => {
    await opened?.store.close();
  });

  it('numbers entries per ticket and hands out only the head, to one worker at a time', async () => {
    const { store } = opened;
    await store.changes.create(change('CHG-1'));
    await store.changes.create(change('CHG-2'));
    const a1 = await store.ticketOutbox.append({ ticketOf: 'CHG-1', changeId: 'CHG-1', event: { kind: 'proposed' }, at });
    const a2 = await store.ticketOutbox.append({ ticketOf: 'CHG-1', changeId: 'CHG-1', event: { kind: 'note', text: 'two' }, at });
    const b1 = await store.ticketOutbox.append({ ticketOf: 'CHG-2', changeId: 'CHG-2', event: { kind: 'expired' }, at });
    expect([a1, a2, b1].map((e) => [e.eventId, e.seq, e.state])).toEqual([
      ['CHG-1.1', 1, 'pending'],
      ['CHG-1.2', 2, 'pending'],
      ['CHG-2.1', 1, 'pending'],
    ]);
    expect(a2.event).toEqual({ kind: 'note', text: 'two' });

    expect(await store.ticketOutbox.heads(at)).toEqual([
      { ticketOf: 'CHG-1', seq: 1, attempts: 0 },
      { ticketOf: 'CHG-2', seq: 1, attempts: 0 },
    ]);
    // Not the head: refused, however the job came to exist.
    expect(await store.ticketOutbox.claim('CHG-1', 2, later(60_000), at)).toBeNull();
    const claimed = await store.ticketOutbox.claim('CHG-1', 1, later(60_000), at);
    expect(claimed).toMatchObject({ seq: 1, attempts: 1 });
    // Held: a second worker gets nothing, and the pump does not offer it.
    expect(await store.ticketOutbox.claim('CHG-1', 1, later(60_000), later(1_000))).toBeNull();
    expect((await store.ticketOutbox.heads(later(1_000))).map((h) => h.ticketOf)).toEqual(['CHG-2']);
    // A dead worker's lease runs out: the entry is offered and taken again, the attempt counted.
    expect(await store.ticketOutbox.heads(later(61_000), { ticketOf: 'CHG-1' })).toEqual([{ ticketOf: 'CHG-1', seq: 1, attempts: 1 }]);
    expect(await store.ticketOutbox.claim('CHG-1', 1, later(120_000), later(61_000))).toMatchObject({ attempts: 2 });
    // The dead worker wakes up: its outcome is fenced off, the live attempt's lease stands.
    expect(await store.ticketOutbox.finish('CHG-1', 1, 1, { state: 'sent', error: null, at: later(62_000) })).toBe(false);
    expect(await store.ticketOutbox.retryAt('CHG-1', 1, 1, { notBefore: later(62_000), error: 'stale' })).toBe(false);
    expect((await store.ticketOutbox.list('CHG-1'))[0]).toMatchObject({ state: 'pending', attempts: 2, lastError: null });
    expect(await store.ticketOutbox.heads(later(62_000), { ticketOf: 'CHG-1' })).toEqual([]);

    expect(await store.ticketOutbox.retryAt('CHG-1', 1, 2, { notBefore: later(90_000), error: 'retryable: no answer', lag: { since: later(1_000), told: true } })).toBe(true);
    // The lag is stored as such, apart from the error text, for the thread's lag and catch-up notices.
    expect((await store.ticketOutbox.list('CHG-1'))[0]).toMatchObject({ lastError: 'retryable: no answer', lag: { since: later(1_000), told: true } });
    expect(await store.ticketOutbox.heads(later(62_000), { ticketOf: 'CHG-1' })).toEqual([]);
    expect(await store.ticketOutbox.heads(later(90_000), { ticketOf: 'CHG-1' })).toEqual([{ ticketOf: 'CHG-1', seq: 1, attempts: 2 }]);

    expect(await store.ticketOutbox.finish('CHG-1', 1, 2, { state: 'failed', error: 'refused', at: later(90_000) })).toBe(true);
    // A failed entry no longer holds the ticket's next one back.
    expect(await store.ticketOutbox.claim('CHG-1', 2, later(150_000), later(90_000))).toMatchObject({ seq: 2 });
    expect(await store.ticketOutbox.skipPending(later(91_000), 'itsm.kind is none')).toBe(2);
    expect((await store.ticketOutbox.list('CHG-1')).map((e) => [e.seq, e.state, e.lastError])).toEqual([
      [1, 'failed', 'refused'],
      [2, 'skipped', 'itsm.kind is none'],
    ]);
  });

  it("appends in the transition's transaction: a rolled-back transition leaves no entry", async () => {
    const { store } = opened;
    await store.changes.create(change('CHG-3'));
    await expect(
      store.transaction(async (tx) => {
        await transitionChange(tx, { id: 'CHG-3', state: 'draft' }, 'pending-approval', 'alice', at);
        throw new Error('the proposal failed after its transition');
      }),
    ).rejects.toThrow(/proposal failed/);
    expect(await store.ticketOutbox.list('CHG-3')).toEqual([]);
    await store.transaction((tx) => transitionChange(tx, { id: 'CHG-3', state: 'draft' }, 'pending-approval', 'alice', at));
    expect((await store.ticketOutbox.list('CHG-3')).map((e) => e.event)).toEqual([{ kind: 'proposed' }]);
  });

  it("maps transitions to ticket events; a rollback tells its parent's ticket", async () => {
    const { store } = opened;
    await store.changes.create(change('CHG-4', { state: 'pending-approval' }));
    const move = (id: string, from: Change['state'], to: Change['state'], actor: string, data: Record<string, unknown> = {}) =>
      store.transaction((tx) => transitionChange(tx, { id, state: from }, to, actor, at, data));
    await move('CHG-4', 'pending-approval', 'approved', 'dave', { approvals: ['dave'] });
    await move('CHG-4', 'approved', 'scheduled', 'patchbot');
    await move('CHG-4', 'scheduled', 'running', 'patchbot', { window: 'inside weeknights' });
    await store.rollouts.queueRuns('CHG-4', 0, 0, ['web-01']);
    await store.rollouts.setRunState('CHG-4', 'web-01', 'queued', 'smoke-failed', 'http check failed');
    await store.transaction(async (tx) => appendWaveEvent(tx, (await tx.changes.get('CHG-4'))!, 1, 2, await tx.rollouts.runs('CHG-4'), at));
    await move('CHG-4', 'running', 'halted', 'patchbot', { reason: 'Smoke check failed on web-01' });

    await store.changes.create(change('CHG-5', { parentId: 'CHG-4', title: 'Roll back CHG-4 on web-01' }));
    await move('CHG-5', 'draft', 'pending-approval', 'dave');
    await move('CHG-5', 'pending-approval', 'approved', 'dave', { reason: 'rollback of CHG-4' });
    await move('CHG-4', 'halted', 'rolled-back', 'patchbot', { by: 'CHG-5' });

    expect(await store.ticketOutbox.list('CHG-5')).toEqual([]);
    const events = (await store.ticketOutbox.list('CHG-4')).map((e) => [e.changeId, e.event]);
    expect(events).toEqual([
      ['CHG-4', { kind: 'approved', approvers: ['dave'] }],
      ['CHG-4', { kind: 'note', text: 'Implementation started: inside weeknights' }],
      ['CHG-4', { kind: 'wave', wave: 1, of: 2, ok: 0, failed: 1, skipped: 0 }],
      ['CHG-4', { kind: 'halted', reason: 'Smoke check failed on web-01' }],
      ['CHG-5', { kind: 'note', text: 'Backout requested by dave as CHG-5: Roll back CHG-4 on web-01.' }],
      ['CHG-4', { kind: 'rolled-back', summary: 'CHG-5 ran the backout: 0 of 0 hosts restored.' }],
    ]);
  });
});
