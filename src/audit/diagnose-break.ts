import type { AuditEvent } from './audit-event.ts';
import { GENESIS_HASH, hashEvent } from './hash-chain.ts';

export type ChainProblem = 'altered' | 'removed' | 'inserted' | 'reordered';
export interface ChainBreak {
  ok: false;
  seq: number;
  problem: ChainProblem;
  message: string;
}

/** What the verifier knows around the first event that does not continue the chain. */
export interface BreakContext {
  /** The event accepted before `prev` (null: `prev` is the first event). */
  beforePrev: AuditEvent | null;
  /** The last accepted event (null: `event` is the first one read). */
  prev: AuditEvent | null;
  /** The event that does not follow `prev`. */
  event: AuditEvent;
  /** The event read after `event`, if any: one event of lookahead settles most ambiguities. */
  next: AuditEvent | undefined;
}

/** "#42 (vote.cast on CHG-7 by bob at 2024-…)": enough for a human to find the event. */
export const describe = (e: AuditEvent): string => {
  const at = e.at instanceof Date && !Number.isNaN(e.at.getTime()) ? e.at.toISOString() : String(e.at);
  return `#${e.seq} (${e.action} on ${e.subject} by ${e.actor} at ${at})`;
};

// How far from its stored number we look for the number an event was sealed with. A renumbering by
// more than this still fails verification; it is just reported as 'altered' rather than named.
const RENUMBER_WINDOW = 1024;

/** The seq at which this event's hash is valid: its own, another (it was renumbered), or none (content changed). */
const sealedSeq = (e: AuditEvent): number | undefined => {
  if (hashEvent(e) === e.hash) return e.seq;
  for (let d = 1; d <= RENUMBER_WINDOW; d++) {
    for (const seq of [e.seq - d, e.seq + d]) if (seq >= 1 && hashEvent({ ...e, seq }) === e.hash) return seq;
  }
  return undefined;
};

const broken = (seq: number, problem: ChainProblem, message: string): ChainBreak => ({ ok: false, seq, problem, message });
const range = (from: number, to: number) => (from === to ? `event #${from} was` : `events #${from}–#${to} were`);

/**
 * Names what happened at the first break. Events arrive ordered by seq (a table read ORDER BY seq),
 * and an attacker who edits rows directly can rewrite any column, seq included, but cannot forge a
 * hash without recomputing it. Each event is sealed over its seq and its predecessor's hash, so:
 *
 * - altered:   content changed, hash left alone → the hash matches the content at no seq at all.
 * - removed:   the successor of a deleted event points (prevHash) at a hash nobody in the log has,
 *              and either leaves a seq gap, or — if later rows were renumbered to close the gap —
 *              its hash is valid only at its old, higher seq.
 * - inserted:  a foreign event sits between two genuine ones: the event after it links straight
 *              past it (to the event before it), or it shares a seq with a genuine event.
 * - reordered: seqs were swapped (each hash is valid only at the other's seq), so an event's
 *              predecessor is read after it; in a plain iterable, seq goes down.
 *
 * Checks run most specific first; lookahead (`next`) tells "this event is foreign" from "the event
 * before it was rewritten". Removing the last event leaves no trace here; see verifyChain's expectHead.
 */
export const diagnoseBreak = ({ beforePrev, prev, event: e, next }: BreakContext): ChainBreak => {
  const expectedSeq = (prev?.seq ?? 0) + 1;
  const expectedPrevHash = prev?.hash ?? GENESIS_HASH;
  const linksToPrev = e.prevHash === expectedPrevHash;

  // Two events with one number: one of them is foreign. The genuine one is whichever the next event follows.
  if (prev && e.seq === prev.seq) {
    const impostor = next?.prevHash === e.hash ? prev : e;
    const other = impostor === e ? prev : e;
    return broken(e.seq, 'inserted', `event ${describe(impostor)} was inserted: it shares number #${e.seq} with ${describe(other)}, which the rest of the chain follows`);
  }
  if (prev && e.seq < prev.seq) {
    return broken(e.seq, 'reordered', `event ${describe(e)} is out of order: it comes after #${prev.seq}`);
  }
  // Our predecessor comes after us: swapped rows (seq rewritten) or an unsorted stream.
  if (next && (next.hash === e.prevHash || next.seq < e.seq)) {
    return broken(e.seq, 'reordered', `event ${describe(e)} is out of order: it comes before ${describe(next)}, which was written before it`);
  }
  // We link past prev to the event before it: prev was slipped in between (and later rows renumbered).
  if (prev && e.prevHash === (beforePrev?.hash ?? GENESIS_HASH) && prev.prevHash === e.prevHash) {
    return broken(prev.seq, 'inserted', `event ${describe(prev)} was inserted: the next event links past it, to ${beforePrev ? describe(beforePrev) : 'the start of the log'}`);
  }
  // The next event continues from prev, so this one is extra.
  if (next && next.prevHash === expectedPrevHash && !(linksToPrev && hashEvent(e) === e.hash)) {
    return broken(e.seq, 'inserted', `event ${describe(e)} was inserted: it is not part of the chain, the next event continues from ${prev ? describe(prev) : 'the start of the log'}`);
  }

  const sealed = sealedSeq(e);
  if (sealed === undefined) return broken(e.seq, 'altered', `event ${describe(e)} was altered: its hash does not match its content`);
  if (sealed !== e.seq) {
    if (!linksToPrev && sealed > expectedSeq) {
      return broken(
        expectedSeq,
        'removed',
        `${range(expectedSeq, sealed - 1)} removed: the event now numbered ${describe(e)} was written as #${sealed}, and later events were renumbered to hide the gap`,
      );
    }
    return broken(e.seq, 'altered', `event ${describe(e)} was altered: it was written as #${sealed} and renumbered`);
  }
  // From here the event's own hash is valid at its own seq.
  if (!linksToPrev && e.seq > expectedSeq) {
    return broken(
      expectedSeq,
      'removed',
      `${range(expectedSeq, e.seq - 1)} removed: event ${describe(e)} follows ${prev ? describe(prev) : 'the start of the log'} but was chained to a different predecessor`,
    );
  }
  if (linksToPrev) {
    // Linked and self-consistent but numbered past a gap: re-sealed with a new number.
    return broken(e.seq, 'altered', `event ${describe(e)} was altered: it follows #${prev?.seq ?? 0} but carries number #${e.seq}`);
  }
  // Valid hash, right number, wrong link. If its own successor follows it, it is genuine and prev
  // was rewritten and re-sealed; otherwise it is a forged event.
  if (prev && next?.prevHash === e.hash) {
    return broken(prev.seq, 'altered', `event ${describe(prev)} was altered and re-sealed: the event after it, ${describe(e)}, was chained to a different version of it`);
  }
  return broken(e.seq, 'inserted', `event ${describe(e)} was inserted: its hash is valid but it is not chained to ${prev ? describe(prev) : 'the start of the log'}`);
};
