import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceNowTicketing } from '../../adapters/servicenow/servicenow-ticketing.ts';
import { TicketingError } from '../../src/tickets/ticketing-error.ts';
import type { Ticketing } from '../../src/tickets/ticketing.ts';
import { type FakeServiceNow, startFakeServiceNow } from '../support/fake-servicenow.ts';
import { rejection } from '../support/rejection.ts';
import { draft, ev } from './drafts.ts';

const failure = (promise: Promise<unknown>): Promise<TicketingError> => rejection(promise, TicketingError);

describe('ServiceNow errors and outages', () => {
  let sn: FakeServiceNow;
  let tickets: Ticketing;

  beforeAll(async () => {
    sn = await startFakeServiceNow();
    tickets = serviceNowTicketing(sn.config(), { timeoutMs: 5_000 });
  });
  afterAll(() => sn.stop());

  it('turns a 429 into a retryable error that carries Retry-After and the rate-limit rule', async () => {
    sn.rateLimit(1, 7);
    const error = await failure(tickets.open(draft({ changeId: 'CHG-201' })));
    expect(error).toMatchObject({ kind: 'retryable', system: 'servicenow', status: 429, retryAfterMs: 7_000 });
    expect(error.message).toContain('Rate limit exceeded (Rate limit of 100 requests per hour for Table API exceeded) [rate-limit rule patchbot-table-api]');
    expect((await tickets.open(draft({ changeId: 'CHG-201' }))).key).toMatch(/^CHG/);
  });

  it('turns a 503 and a refused connection into retryable errors', async () => {
    sn.unavailable(1);
    expect(await failure(tickets.find('CHG-201'))).toMatchObject({ kind: 'retryable', status: 503, retryAfterMs: null });
    await sn.stop();
    try {
      const down = await failure(tickets.find('CHG-201'));
      expect(down).toMatchObject({ kind: 'retryable', status: null });
      // A kept-alive socket to the stopped instance resets; a new one is refused. Both are "no answer".
      expect(down.message).toMatch(/no answer from http:\/\/127.0.0.1:\d+ \((ECONNREFUSED|ECONNRESET)/);
    } finally {
      await sn.start();
    }
  });

  it('turns a refused state move (403 envelope) into a rejected error with the vendor message', async () => {
    const ref = await tickets.open(draft({ changeId: 'CHG-202', approvalInItsm: true }));
    // Nobody approved it, yet a wave is reported: the state model refuses Authorize → Scheduled.
    const error = await failure(tickets.record(ref, ev.wave(1, 1, 1)));
    expect(error.kind).toBe('rejected');
    expect(error.status).toBe(403);
    expect(error.message).toMatch(/^updating CHG\d+ to Scheduled: ServiceNow answered 403: Operation Failed \(CHG\d+ cannot be scheduled before it is approved \(approval is requested\)\)$/);
    expect(error.hint).toContain('does not retry');
  });

  it('says which ticket is missing', async () => {
    const error = await failure(tickets.record({ system: 'servicenow', key: 'CHG0099999', url: null }, ev.note('hello')));
    expect(error).toMatchObject({ kind: 'rejected' });
    expect(error.message).toContain('no change_request numbered CHG0099999');
  });

  it('turns bad credentials into an auth error', async () => {
    const wrong = serviceNowTicketing(sn.config({ password: 'nope' }));
    const error = await failure(wrong.find('CHG-1'));
    expect(error).toMatchObject({ kind: 'auth', status: 401 });
    expect(error.message).toContain('User Not Authenticated (Required to provide Auth information)');
  });

  it('creates one ticket when the create response is lost, and finds it again', async () => {
    const before = sn.changes().length;
    sn.dropNext(1, 'after', { method: 'POST' });
    expect(await failure(tickets.open(draft({ changeId: 'CHG-203' })))).toMatchObject({ kind: 'retryable', status: null });
    const ref = await tickets.open(draft({ changeId: 'CHG-203' }));
    expect(await tickets.open(draft({ changeId: 'CHG-203' }))).toEqual(ref);
    expect(sn.changes().filter((c) => c.fields.correlation_id === 'CHG-203')).toHaveLength(1);
    expect(sn.changes().length).toBe(before + 1);
  });

  it('writes a note once when the answer to its PATCH is lost', async () => {
    const ref = await tickets.open(draft({ changeId: 'CHG-204' }));
    await tickets.record(ref, ev.approved());
    const wave = ev.wave(1, 1, 4);
    sn.dropNext(1, 'after', { method: 'PATCH' });
    expect(await failure(tickets.record(ref, wave))).toMatchObject({ kind: 'retryable' });
    expect(await tickets.record(ref, wave)).toEqual({ state: 'Implement', skipped: true });
    expect(sn.workNotes(ref.key).filter((n) => n.startsWith('Wave 1 of 1'))).toHaveLength(1);
  });

  it('loses nothing and duplicates nothing across an outage in the middle of a change', async () => {
    const ref = await tickets.open(draft({ changeId: 'CHG-205' }));
    const events = [ev.approved(), ev.wave(1, 2, 1), ev.wave(2, 2, 3), ev.completed()];
    await tickets.record(ref, events[0]!);
    await sn.stop();
    // The outbox keeps retrying while the instance is down; every attempt fails retryable.
    for (const attempt of [events[1]!, events[1]!]) expect(await failure(tickets.record(ref, attempt))).toMatchObject({ kind: 'retryable' });
    await sn.start();
    for (const event of [events[1]!, ...events.slice(1)]) await tickets.record(ref, event);
    expect(sn.change(ref.key).state).toBe('3');
    expect(sn.workNotes(ref.key).map((n) => n.split('\n')[0]!.slice(0, 14))).toEqual(['Approved in pa', 'Wave 1 of 2 do', 'Wave 2 of 2 do', 'Completed succ']);
  });
});
