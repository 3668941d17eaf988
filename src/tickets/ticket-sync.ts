import type { Logger } from '../shared/logger.ts';
import { itsmFailureKind } from './itsm-outage-log.ts';
import { hostText } from '../shared/host-text.ts';
import { scrubSecrets } from '../shared/scrub-secrets.ts';
import type { OutboxEntry, OutboxHead } from './ticket-outbox.ts';
import { deliver } from './ticket-sync-deliver.ts';
import { clockOf, SYSTEM_LABEL, TICKET_SYNC_QUEUE, type TicketSyncDeps, type TicketSyncJob } from './ticket-sync-deps.ts';
import { caughtUpNotice, lagNotice } from './ticket-lag.ts';
import { isTicketingError } from './ticketing-error.ts';

/*
 * The outbox worker (DESIGN §6). Order per ticket comes from the store, not from the queue: a job
 * names one entry (ticket + seq), and `claim` only hands it out while it is its ticket's lowest
 * pending entry and no live lease holds it, so one send is in flight per ticket across replicas.
 * Jobs are keyed by ticket, seq and attempt: the pump, the chain after a send and a retry may all
 * ask for the same attempt, and the queue keeps one. The pump (every `pumpMs`) is the safety
 * net: whatever is due and unheld gets a job, so a crash or a lost send delays, never loses.
 */

const sendJob = async (deps: TicketSyncDeps, head: OutboxHead, startAfter?: Date): Promise<void> => {
  await deps.queue.send<TicketSyncJob>(
    TICKET_SYNC_QUEUE,
    { ticketOf: head.ticketOf, seq: head.seq },
    // The outbox row keeps the attempts; the queue must not retry on its own.
    { key: `${head.ticketOf}:${head.seq}:${head.attempts}`, retryLimit: 0, ...(startAfter ? { startAfter } : {}) },
  );
};

/** Queues the next entry of one ticket, if one is due. */
export const sendNextOf = async (deps: TicketSyncDeps, ticketOf: string): Promise<void> => {
  const [head] = await deps.store.ticketOutbox.heads(clockOf(deps), { ticketOf, limit: 1 });
  if (head) await sendJob(deps, head);
};

/** One pump tick: a job for every ticket whose next entry is due. `none` has nothing to send to. */
export const pumpOutbox = async (deps: TicketSyncDeps): Promise<void> => {
  const now = clockOf(deps);
  if (deps.ticketing.kind === 'none') {
    await deps.store.ticketOutbox.skipPending(now, "itsm.kind is none: patchbot's own change record is the ticket");
    return;
  }
  for (const head of await deps.store.ticketOutbox.heads(now, { limit: 200 })) await sendJob(deps, head);
};

/** Exponential, with a little jitter so tickets that failed together do not retry together. */
export const retryDelayMs = (deps: Pick<TicketSyncDeps, 'tuning'>, attempts: number, retryAfterMs: number | null): number => {
  const { baseDelayMs, maxDelayMs } = deps.tuning;
  const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempts - 1)) * (0.8 + 0.2 * Math.random());
  // The ITSM's own Retry-After (or rate-limit reset) is a floor, never shortened.
  return Math.round(Math.max(backoff, retryAfterMs ?? 0));
};

const waitingCount = async (deps: TicketSyncDeps, ticketOf: string): Promise<number> => (await deps.store.ticketOutbox.list(ticketOf)).filter((e) => e.state === 'pending').length;

const what = (entry: OutboxEntry) => (entry.event.kind === 'proposed' ? 'opening the ticket' : `recording "${entry.event.kind}" on the ticket`);

/**
 * - rejected (a 4xx): the same request would be refused again, so the entry fails with the ITSM's
 *   message, the thread is told, and the ticket's later entries go on. They each carry their own
 *   target state, so the ticket catches up once the cause is fixed; holding them back would
 *   freeze the whole ticket on one refused note.
 * - auth: every update would fail the same way, so the entry stays first in line and is retried
 *   at the longest delay; the thread is told once. Fixing the credentials loses nothing.
 * - anything else (network, 5xx, 429, or a fault of our own): retried with backoff. When the ITSM
 *   has not answered for `lagNoticeMs`, the thread is told once, and again when it catches up. A
 *   429 is logged as a rate limit, not as an outage (itsm-outage-log.ts).
 */
/**
 * This worker's lease ran out while it was sending and a later attempt took the entry over (the
 * fence refused our write): that attempt owns the outcome and the ticket's next entry. A note it
 * sends again carries the same event id, so the ITSM does not get it twice.
 */
const yieldToLaterAttempt = (log: Logger): void => {
  log.warn('a later attempt took this ticket update over while it was being sent; leaving the outcome to it');
};

const onFailure = async (deps: TicketSyncDeps, entry: OutboxEntry, error: unknown, log: Logger, startedAt: Date): Promise<void> => {
  const now = clockOf(deps);
  const ticketing = isTicketingError(error) ? error : null;
  const label = SYSTEM_LABEL[deps.ticketing.kind] ?? deps.ticketing.kind;
  // Stored as the entry's last_error and posted to the thread: an ITSM URL in a network error may
  // carry the password (http://patchbot:<password>@instance/…). The ITSM's words go to the thread
  // as host text (src/shared/host-text.ts): their backticks are no code marks of ours.
  const message = scrubSecrets((error as Error).message);
  if (ticketing?.kind === 'rejected') {
    // It answered: whatever outage there was is over.
    deps.outage.answered();
    if (!(await deps.store.ticketOutbox.finish(entry.ticketOf, entry.seq, entry.attempts, { state: 'failed', error: message, at: now }))) return yieldToLaterAttempt(log);
    log.warn({ err: error }, 'ITSM refused a ticket update; not retrying it');
    await deps.notices.post(entry.ticketOf, {
      title: `${label} refused a ticket update`,
      text: `${what(entry)}: ${hostText(message)}\n${ticketing.hint ?? ''}\nThis update is not retried; the ticket's later updates go on.`,
    });
    await sendNextOf(deps, entry.ticketOf);
    return;
  }
  const auth = ticketing?.kind === 'auth';
  const delay = auth ? deps.tuning.maxDelayMs : retryDelayMs(deps, entry.attempts, ticketing?.retryAfterMs ?? null);
  const notBefore = new Date(now.getTime() + delay);
  const retryable = ticketing?.kind === 'retryable';
  const lag = retryable ? (entry.lag ?? { since: now, told: false }) : null;
  const tell = lag !== null && !lag.told && now.getTime() - lag.since.getTime() >= deps.tuning.lagNoticeMs;
  const lastError = `${ticketing?.kind ?? 'error'}: ${message}`;
  const retry = { notBefore, error: lastError, lag: lag && { ...lag, told: lag.told || tell } };
  if (!(await deps.store.ticketOutbox.retryAt(entry.ticketOf, entry.seq, entry.attempts, retry))) return yieldToLaterAttempt(log);
  if (tell) await deps.notices.post(entry.ticketOf, lagNotice(label, lag, ticketing, await waitingCount(deps, entry.ticketOf), hostText(message)));
  // One line per ITSM system while it fails, not one per ticket and attempt (itsm-outage-log.ts);
  // each attempt is still there at debug.
  deps.outage.failed(itsmFailureKind(error), error as Error, startedAt, { ticketOf: entry.ticketOf });
  log.debug({ err: error, attempts: entry.attempts, retryInMs: delay }, 'ticket update failed; retrying later');
  if (auth) {
    if (!entry.lastError?.startsWith('auth:')) {
      await deps.notices.post(entry.ticketOf, {
        title: `${label} did not accept patchbot's credentials`,
        text: `${what(entry)}: ${hostText(message)}\n${ticketing?.hint ?? ''}\nTicket updates wait and are retried; none is lost.`,
      });
    }
  }
  await sendJob(deps, { ticketOf: entry.ticketOf, seq: entry.seq, attempts: entry.attempts }, notBefore);
};

/** The `tickets.sync` job: sends one entry if it is still its ticket's next, then queues the one after. */
export const syncTicketEntry = async (deps: TicketSyncDeps, job: TicketSyncJob): Promise<void> => {
  const now = clockOf(deps);
  const entry = await deps.store.ticketOutbox.claim(job.ticketOf, job.seq, new Date(now.getTime() + deps.tuning.leaseMs), now);
  if (!entry) return;
  const log = deps.log.child({ change: entry.changeId, ticketOf: entry.ticketOf, seq: entry.seq, event: entry.event.kind, attempt: entry.attempts });
  let delivery;
  try {
    delivery = await deliver(deps, entry);
  } catch (error) {
    await onFailure(deps, entry, error, log, now);
    return;
  }
  const error = delivery.state === 'skipped' ? delivery.reason : null;
  if (delivery.state === 'sent') deps.outage.answered();
  if (!(await deps.store.ticketOutbox.finish(entry.ticketOf, entry.seq, entry.attempts, { state: delivery.state, error, at: clockOf(deps) }))) return yieldToLaterAttempt(log);
  const lag = entry.lag;
  if (lag?.told) {
    const label = SYSTEM_LABEL[deps.ticketing.kind] ?? deps.ticketing.kind;
    await deps.notices.post(entry.ticketOf, caughtUpNotice(label, lag, clockOf(deps), await waitingCount(deps, entry.ticketOf)));
  }
  if (delivery.state === 'skipped') log.info({ reason: error }, 'ticket update skipped');
  else log.debug({ ticket: delivery.ref.key }, 'ticket updated');
  await sendNextOf(deps, entry.ticketOf);
};
