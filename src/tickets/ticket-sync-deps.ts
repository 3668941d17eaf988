import type { VoteTx } from '../changes/cast-vote.ts';
import type { ChangeRepos } from '../changes/change-store.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { PeopleRepos } from '../people/people-store.ts';
import type { IdempotencyRepos } from '../store/idempotency.ts';
import type { Transactional } from '../store/transactional.ts';
import type { Logger } from '../shared/logger.ts';
import type { ItsmOutageLog } from './itsm-outage-log.ts';
import type { DraftDeps, DraftStore } from './ticket-draft-of.ts';
import type { TicketRepos } from './ticket-store.ts';
import type { Ticketing } from './ticketing.ts';

/**
 * What ticket sync tells people, in patchbot's words; the runtime turns it into cards in the
 * change's thread, so src/tickets knows no chat.
 */
export interface TicketNotices {
  /** A message in the change's thread: the ITSM refused an update, or decided the change. */
  post(changeId: string, notice: { title: string; text: string }): Promise<void>;
  /** The change's card shows something new (its ticket link, a decision): redraw it in place. */
  refresh(changeId: string): Promise<void>;
}

export interface TicketSyncTuning {
  /** How often each replica looks for outbox entries that are due. */
  pumpMs: number;
  /** First retry delay after a retryable failure; doubles per attempt up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long a worker holds an entry while sending it; a dead worker's entry is taken over after. */
  leaseMs: number;
  /** How long the ITSM may fail to answer before the change's thread is told its ticket lags. */
  lagNoticeMs: number;
}

export const DEFAULT_TUNING: TicketSyncTuning = { pumpMs: 1_000, baseDelayMs: 2_000, maxDelayMs: 300_000, leaseMs: 300_000, lagNoticeMs: 180_000 };

/**
 * What ticket sync reads and writes: its links and outbox, the changes they follow (an ITSM's
 * approval is a vote that may move one), and what a ticket draft shows.
 */
export type TicketSyncStore = TicketRepos & DraftStore & ChangeRepos & PeopleRepos & IdempotencyRepos & Transactional<VoteTx>;

export interface TicketSyncDeps extends DraftDeps {
  store: TicketSyncStore;
  queue: JobQueue;
  ticketing: Ticketing;
  notices: TicketNotices;
  log: Logger;
  /** The log lines of an ITSM that does not take updates: per system, not per ticket or attempt. */
  outage: ItsmOutageLog;
  now?: () => Date;
  tuning: TicketSyncTuning;
}

export const TICKET_SYNC_QUEUE = 'tickets.sync';

export interface TicketSyncJob {
  ticketOf: string;
  seq: number;
}

export const clockOf = (deps: { now?: () => Date }): Date => deps.now?.() ?? new Date();

/** The ITSM's name as people know it. */
export const SYSTEM_LABEL: Record<string, string> = { servicenow: 'ServiceNow', jira: 'Jira', none: 'patchbot' };
