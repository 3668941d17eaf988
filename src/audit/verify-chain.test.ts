import { describe, expect, it } from 'vitest';
import type { AuditEvent } from './audit-event.ts';
import { GENESIS_HASH, hashEvent, sealEvent } from './hash-chain.ts';
import { verifyChain } from './verify-chain.ts';

const T0 = Date.parse('2024-05-01T09:00:00.000Z');
const actors = ['alice', 'bob', 'carol'];

const buildChain = (length = 10): AuditEvent[] => {
  const events: AuditEvent[] = [];
  for (let i = 0; i < length; i++) {
    const entry = { actor: actors[i % 3]!, action: i % 2 ? 'vote.cast' : 'change.updated', subject: `CHG-${i % 4}`, data: { n: i, nested: { b: 1, a: [1, 'x'] } } };
    events.push(sealEvent(events.at(-1) ?? null, entry, new Date(T0 + i * 60_000)));
  }
  return events;
};

// What a table read ORDER BY seq returns, whatever the attacker did to the rows.
const bySeq = (events: AuditEvent[]) => [...events].sort((a, b) => a.seq - b.seq);
const edit = (events: AuditEvent[], seq: number, change: Partial<AuditEvent>) => events.map((e) => (e.seq === seq ? { ...e, ...change } : e));
const without = (events: AuditEvent[], ...seqs: number[]) => events.filter((e) => !seqs.includes(e.seq));
/** Rewrites seq of every event from `from` on, without re-sealing: what a bare UPDATE does. */
const shift = (events: AuditEvent[], from: number, delta: number) => events.map((e) => (e.seq >= from ? { ...e, seq: e.seq + delta } : e));
const reseal = (e: AuditEvent): AuditEvent => ({ ...e, hash: hashEvent(e) });
const forged = (after: AuditEvent) => sealEvent(after, { actor: 'mallory', action: 'vote.cast', subject: 'CHG-7', data: { approve: true } }, new Date(T0 + 3_600_000));

type Case = [name: string, tamper: (chain: AuditEvent[]) => AuditEvent[], expected: { seq: number; problem: string; message?: RegExp }];

const cases: Case[] = [
  [
    'alter data',
    (c) => edit(c, 5, { data: { n: 99 } }),
    { seq: 5, problem: 'altered', message: /^event #5 \(change\.updated on CHG-0 by bob at 2024-05-01T09:04:00\.000Z\) was altered: its hash does not match its content$/ },
  ],
  ['alter actor of the first event', (c) => edit(c, 1, { actor: 'mallory' }), { seq: 1, problem: 'altered' }],
  ['alter the last event', (c) => edit(c, 10, { subject: 'CHG-9' }), { seq: 10, problem: 'altered' }],
  ['alter the timestamp', (c) => edit(c, 3, { at: new Date(T0) }), { seq: 3, problem: 'altered' }],
  ['alter two events: the first is named', (c) => edit(edit(c, 7, { actor: 'x' }), 3, { actor: 'y' }), { seq: 3, problem: 'altered' }],
  ['alter and re-seal one event', (c) => c.map((e) => (e.seq === 5 ? reseal({ ...e, actor: 'mallory' }) : e)), { seq: 5, problem: 'altered', message: /re-sealed/ }],
  ['remove a middle event', (c) => without(c, 5), { seq: 5, problem: 'removed', message: /^event #5 was removed: event #6 /s }],
  ['remove a run of events', (c) => without(c, 4, 5, 6), { seq: 4, problem: 'removed', message: /^events #4–#6 were removed/ }],
  ['remove the first event', (c) => without(c, 1), { seq: 1, problem: 'removed' }],
  ['remove a middle event and renumber the rest', (c) => shift(without(c, 5), 6, -1), { seq: 5, problem: 'removed', message: /renumbered/ }],
  ['remove the first event and renumber the rest', (c) => shift(without(c, 1), 2, -1), { seq: 1, problem: 'removed' }],
  ['remove two events and renumber the rest', (c) => shift(without(c, 5, 6), 7, -2), { seq: 5, problem: 'removed', message: /^events #5–#6 were removed/ }],
  ['insert a well-sealed event, renumbering the rest', (c) => bySeq([...shift(c, 6, 1), forged(c[4]!)]), { seq: 6, problem: 'inserted', message: /by mallory/ }],
  ['insert a garbage event, renumbering the rest', (c) => bySeq([...shift(c, 6, 1), { ...forged(c[4]!), hash: 'f'.repeat(64) }]), { seq: 6, problem: 'inserted', message: /by mallory/ }],
  [
    'insert at the very start, renumbering the rest',
    (c) => bySeq([...shift(c, 1, 1), forged({ seq: 0, hash: GENESIS_HASH } as AuditEvent)]),
    { seq: 1, problem: 'inserted', message: /by mallory/ },
  ],
  [
    'insert a duplicate seq, read after the genuine one',
    (c) => [...c.slice(0, 6), forged(c[4]!), ...c.slice(6)],
    { seq: 6, problem: 'inserted', message: /^event #6 \(vote\.cast on CHG-7 by mallory/ },
  ],
  [
    'insert a duplicate seq, read before the genuine one',
    (c) => [...c.slice(0, 5), forged(c[4]!), ...c.slice(5)],
    { seq: 6, problem: 'inserted', message: /^event #6 \(vote\.cast on CHG-7 by mallory/ },
  ],
  ['insert a well-sealed event that does not link', (c) => bySeq([...shift(c, 6, 1), { ...reseal({ ...forged(c[4]!), prevHash: 'a'.repeat(64) }) }]), { seq: 6, problem: 'inserted' }],
  ['append a forged event that does not link', (c) => [...c, reseal({ ...forged(c[9]!), prevHash: 'a'.repeat(64) })], { seq: 11, problem: 'inserted' }],
  [
    'swap the numbers of two rows',
    (c) => bySeq(c.map((e) => (e.seq === 5 ? { ...e, seq: 6 } : e.seq === 6 ? { ...e, seq: 5 } : e))),
    { seq: 5, problem: 'reordered', message: /out of order/ },
  ],
  ['swap two events in a stream', (c) => [...c.slice(0, 4), c[5]!, c[4]!, ...c.slice(6)], { seq: 6, problem: 'reordered' }],
  ['move an event back in a stream', (c) => [...c.slice(0, 2), c[8]!, ...c.slice(2, 8), c[9]!], { seq: 9, problem: 'reordered' }],
];

describe('verifyChain', () => {
  it('accepts an intact chain and reports its head', async () => {
    const chain = buildChain();
    expect(await verifyChain(chain)).toEqual({ ok: true, count: 10, lastHash: chain[9]!.hash });
  });

  it('accepts an empty log', async () => {
    expect(await verifyChain([])).toEqual({ ok: true, count: 0, lastHash: GENESIS_HASH });
  });

  it.each(cases)('%s', async (_name, tamper, expected) => {
    const { message, ...rest } = expected;
    const result = await verifyChain(tamper(buildChain()));
    expect(result).toMatchObject({ ok: false, ...rest });
    if (message && !result.ok) expect(result.message).toMatch(message);
  });

  it('cannot see the last event removed from the chain alone, but can with a recorded head', async () => {
    const chain = buildChain();
    const head = { seq: 10, hash: chain[9]!.hash };
    const truncated = chain.slice(0, 9);
    expect(await verifyChain(truncated)).toMatchObject({ ok: true, count: 9 });
    const result = await verifyChain(truncated, { expectHead: head });
    expect(result).toMatchObject({ ok: false, seq: 10, problem: 'removed' });
    if (!result.ok) expect(result.message).toBe('event #10 was removed: the log ends at #9 but the recorded head is #10');
  });

  it('accepts a log that grew past the recorded head', async () => {
    const chain = buildChain();
    expect(await verifyChain(chain, { expectHead: { seq: 7, hash: chain[6]!.hash } })).toMatchObject({ ok: true, count: 10 });
  });

  it('catches a chain re-sealed from some point on through the recorded head', async () => {
    const chain = buildChain();
    const head = { seq: 10, hash: chain[9]!.hash };
    // The attacker alters #4 and recomputes every hash after it: a consistent, but different, chain.
    const rebuilt = chain.slice(0, 3);
    for (const e of chain.slice(3)) rebuilt.push(sealEvent(rebuilt.at(-1)!, e.seq === 4 ? { ...e, actor: 'mallory' } : e, e.at));
    expect(await verifyChain(rebuilt)).toMatchObject({ ok: true });
    expect(await verifyChain(rebuilt, { expectHead: head })).toMatchObject({ ok: false, seq: 10, problem: 'altered' });
  });

  it('verifies events whose jsonb data came back with keys reordered', async () => {
    const chain = buildChain().map((e) => ({ ...e, data: JSON.parse(JSON.stringify({ nested: { a: [1, 'x'], b: 1 }, n: e.data.n })) as Record<string, unknown> }));
    expect(await verifyChain(chain)).toMatchObject({ ok: true, count: 10 });
  });

  it('reads async sources and stops reading at the first break', async () => {
    const chain = edit(buildChain(), 3, { actor: 'mallory' });
    let read = 0;
    let closed = false;
    async function* rows() {
      try {
        for (const e of chain) {
          read++;
          yield e;
        }
      } finally {
        closed = true;
      }
    }
    expect(await verifyChain(rows())).toMatchObject({ ok: false, seq: 3, problem: 'altered' });
    expect(read).toBe(4); // #3 plus one event of lookahead
    expect(closed).toBe(true);
  });
});
