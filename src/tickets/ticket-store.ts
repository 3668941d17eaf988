import type { TicketOutboxRepository } from './ticket-outbox.ts';

/** The tickets each change has, and what they must still hear (the outbox, ./ticket-outbox.ts). */

export interface TicketLink {
  changeId: string;
  system: string;
  key: string;
  url: string | null;
  state: string | null;
}

export interface TicketRepository {
  link(ticket: TicketLink): Promise<void>;
  forChange(changeId: string): Promise<TicketLink[]>;
}

export interface TicketRepos {
  tickets: TicketRepository;
  /** What each change ticket must hear, in order (ticket sync, DESIGN §6). */
  ticketOutbox: TicketOutboxRepository;
}
