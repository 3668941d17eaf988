import type { AuditEvent } from './audit-event.ts';
import { type ChainBreak, type ChainProblem, describe, diagnoseBreak } from './diagnose-break.ts';
import { GENESIS_HASH, hashEvent } from './hash-chain.ts';

export type { ChainBreak, ChainProblem };
export type ChainVerdict = { ok: true; count: number; lastHash: string } | ChainBreak;

export interface VerifyChainOptions {
  /**
   * A head recorded elsewhere (a previous verification, an export, a ticket). Deleting the newest
   * events leaves a shorter chain that is perfectly consistent, so only a head kept outside the log
   * can reveal it. Likewise an attacker who re-seals every event from some point on rebuilds a valid
   * chain; the recorded head's hash then no longer matches.
   */
  expectHead?: { seq: number; hash: string };
}

/**
 * Walks the log in seq order and names the FIRST event that breaks the chain.
 *
 * An event continues the chain when (1) its hash matches its content, (2) its seq is one more than
 * the previous event's, and (3) its prevHash is the previous event's hash. The first event failing
 * any of these is handed to diagnoseBreak with one event of context on each side, which tells
 * altered, removed, inserted and reordered apart (see there for how each shows up).
 *
 * Streams: memory stays constant however long the log, and we stop reading at the first break.
 */
export const verifyChain = async (events: AsyncIterable<AuditEvent> | Iterable<AuditEvent>, options: VerifyChainOptions = {}): Promise<ChainVerdict> => {
  const { expectHead } = options;
  const source = peekable(events);
  let beforePrev: AuditEvent | null = null;
  let prev: AuditEvent | null = null;
  let count = 0;
  try {
    for (let event = await source.take(); event; event = await source.take()) {
      const continues = event.seq === (prev?.seq ?? 0) + 1 && event.prevHash === (prev?.hash ?? GENESIS_HASH) && hashEvent(event) === event.hash;
      if (!continues) return diagnoseBreak({ beforePrev, prev, event, next: await source.peek() });
      if (expectHead && event.seq === expectHead.seq && event.hash !== expectHead.hash) {
        return {
          ok: false,
          seq: event.seq,
          problem: 'altered',
          message: `event ${describe(event)} was altered: its hash differs from the recorded head, so the chain was rewritten and re-sealed at or before it`,
        };
      }
      beforePrev = prev;
      prev = event;
      count++;
    }
  } finally {
    await source.close();
  }
  if (expectHead && expectHead.seq > (prev?.seq ?? 0)) {
    const first = (prev?.seq ?? 0) + 1;
    const what = first === expectHead.seq ? `event #${first} was` : `events #${first}–#${expectHead.seq} were`;
    return {
      ok: false,
      seq: first,
      problem: 'removed',
      message: `${what} removed: the log ends at #${prev?.seq ?? 0} but the recorded head is #${expectHead.seq}`,
    };
  }
  return { ok: true, count, lastHash: prev?.hash ?? GENESIS_HASH };
};

/** One event of lookahead over a sync or async source; close() releases it (e.g. a paged DB cursor). */
const peekable = <T>(source: AsyncIterable<T> | Iterable<T>) => {
  const iterator = (async function* () {
    yield* source;
  })();
  let buffered: IteratorResult<T> | undefined;
  const pull = async () => (buffered ??= await iterator.next());
  return {
    async peek(): Promise<T | undefined> {
      const result = await pull();
      return result.done ? undefined : result.value;
    },
    async take(): Promise<T | undefined> {
      const result = await pull();
      buffered = undefined;
      return result.done ? undefined : result.value;
    },
    async close() {
      await iterator.return(undefined);
    },
  };
};
