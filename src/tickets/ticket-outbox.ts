import type { TicketEvent } from './ticketing.ts';

/**
 * The ticket outbox (DESIGN §6): what each change ticket must hear, appended in the transaction
 * that made it happen, and sent in order by the ticket-sync worker (src/tickets/ticket-sync.ts).
 */

type WithoutId<E> = E extends unknown ? Omit<E, 'id'> : never;

/** `proposed` opens the ticket; every other event is recorded on it (its id is the entry's). */
export type OutboxEvent = { kind: 'proposed' } | WithoutId<TicketEvent>;

/** pending → sent; failed: the ITSM refused it; skipped: no ticket to tell (or itsm.kind none). */
export type OutboxState = 'pending' | 'sent' | 'failed' | 'skipped';

/**
 * How long an entry has been held by an ITSM that does not answer. The entry's one worker at a time
 * (the claim's fence) rewrites it on every failed attempt, so exactly one attempt tells the thread,
 * across replicas.
 */
export interface OutboxLag {
  since: Date;
  told: boolean;
}

export interface OutboxEntry {
  /** The change whose ticket hears it: the change itself, or the parent a rollback undoes. */
  ticketOf: string;
  /** Per ticket, from 1, in commit order. */
  seq: number;
  /** The change the event happened to. */
  changeId: string;
  /** Stable across retries; stamped on the note so a retry never writes it twice. */
  eventId: string;
  event: OutboxEvent;
  state: OutboxState;
  /** Sends started (a claim counts one). */
  attempts: number;
  nextAttemptAt: Date | null;
  leaseUntil: Date | null;
  lastError: string | null;
  /** Since when the ITSM has not answered for this entry, and whether the change's thread was told. */
  lag: OutboxLag | null;
  createdAt: Date;
  finishedAt: Date | null;
}

/** The next entry to send for one ticket: its lowest pending one, due and not held by a worker. */
export interface OutboxHead {
  ticketOf: string;
  seq: number;
  attempts: number;
}

export interface TicketOutboxRepository {
  /** Appends with the ticket's next sequence number; call inside the transaction that made the event. */
  append(entry: { ticketOf: string; changeId: string; event: OutboxEvent; at: Date }): Promise<OutboxEntry>;
  /** Heads that may be sent at `at`: at most one per ticket (all tickets, or the one named). */
  heads(at: Date, options?: { ticketOf?: string; limit?: number }): Promise<OutboxHead[]>;
  /**
   * Takes the entry for this worker until `leaseUntil` and counts the attempt. Null unless it is
   * still pending, its ticket's lowest pending entry, and not held by a live lease: one send in
   * flight per ticket, across replicas.
   */
  claim(ticketOf: string, seq: number, leaseUntil: Date, at: Date): Promise<OutboxEntry | null>;
  /**
   * Ends the entry: sent, failed (refused, with the ITSM's message) or skipped (with why). Fenced
   * by `attempt` (the claim's `attempts`): false, and nothing changed, when a later claim took the
   * entry over after this worker's lease ran out, or it is no longer pending.
   */
  finish(ticketOf: string, seq: number, attempt: number, outcome: { state: Exclude<OutboxState, 'pending'>; error: string | null; at: Date }): Promise<boolean>;
  /** Leaves the entry pending, released, not to be sent before `notBefore`. Fenced like `finish`. */
  retryAt(ticketOf: string, seq: number, attempt: number, retry: { notBefore: Date; error: string; lag?: OutboxLag | null }): Promise<boolean>;
  /** Every entry of a ticket, in order. */
  list(ticketOf: string): Promise<OutboxEntry[]>;
  /** Marks every pending entry skipped (nothing to send them to); returns how many. */
  skipPending(at: Date, reason: string): Promise<number>;
  /** The change a ticket belongs to, from the links `tickets.link` stored. */
  changeOfTicket(system: string, key: string): Promise<string | null>;
}
