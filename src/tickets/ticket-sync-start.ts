import type { Config } from '../config/schema.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { type Schedule, type ScheduleFiring, scheduleQueue } from '../jobs/scheduler.ts';
import type { PlaybookCatalog } from '../playbooks/load-playbooks.ts';
import type { Logger } from '../shared/logger.ts';
import { failureLog } from '../shared/failure-log.ts';
import {
  type ApprovalCheckJob,
  type ApprovalJobDeps,
  approvalSchedules,
  checkApproval,
  ITSM_CHECK_QUEUE,
  ITSM_POLL_SCHEDULE,
  pollApprovals,
  receiveItsmWebhook,
  type WebhookAnswer,
} from './itsm-approval-jobs.ts';
import type { ItsmModule } from './itsm-module.ts';
import { itsmOutageLog } from './itsm-outage-log.ts';
import type { InboundHeaders } from './itsm-webhook.ts';
import { pumpOutbox, syncTicketEntry } from './ticket-sync.ts';
import {
  DEFAULT_TUNING,
  SYSTEM_LABEL,
  TICKET_SYNC_QUEUE,
  type TicketNotices,
  type TicketSyncDeps,
  type TicketSyncJob,
  type TicketSyncStore,
  type TicketSyncTuning,
} from './ticket-sync-deps.ts';
import { isTicketingError } from './ticketing-error.ts';
import type { Ticketing } from './ticketing.ts';

/** Ticket sync as the runtime holds it: the outbox worker and pump, ITSM approvals, the webhook entry point. */
export interface TicketSync {
  readonly ticketing: Ticketing;
  /** Cron schedules the service fires once across replicas (approval polling). */
  readonly schedules: Schedule[];
  /** The body of POST /itsm/<system>: the route only passes the bytes through. */
  receiveWebhook(system: 'servicenow' | 'jira', headers: InboundHeaders, rawBody: Buffer): Promise<WebhookAnswer>;
  /** Queues every outbox entry that is due now (what the pump does each tick). */
  pump(): Promise<void>;
  stop(): Promise<void>;
}

export interface TicketSyncOptions {
  store: TicketSyncStore;
  queue: JobQueue;
  config: Config;
  catalog: PlaybookCatalog;
  itsm: ItsmModule;
  notices: TicketNotices;
  kick: (changeId: string, reason: string) => Promise<void>;
  log: Logger;
  /** Take ticket jobs and run the pump on this process. */
  workers: boolean;
  tuning?: Partial<TicketSyncTuning>;
  now?: () => Date;
}

/**
 * Reads what the ITSM allows before the first ticket: a mapping it cannot satisfy stops startup
 * with the field and the allowed values named, instead of failing every proposal. An ITSM that does
 * not answer now does not stop patchbot: opening a ticket reads it first, and the outbox retries.
 */
export const prepareTicketing = async (ticketing: Ticketing, log: Logger): Promise<void> => {
  if (!ticketing.prepare) return;
  try {
    const facts = await ticketing.prepare();
    log.info({ itsm: ticketing.kind, facts: facts.lines }, 'ITSM fields checked');
  } catch (error) {
    if (isTicketingError(error) && error.kind === 'rejected') throw error;
    log.warn({ err: error }, 'could not read the ITSM at startup; it is read again before the first ticket');
  }
};

export const startTicketSync = async (options: TicketSyncOptions): Promise<TicketSync> => {
  const { store, queue, config, catalog, itsm, notices, kick, log, workers } = options;
  const ticketing = itsm.ticketing;
  const clock = options.now ? { now: options.now } : {};
  const outage = itsmOutageLog(log, SYSTEM_LABEL[ticketing.kind] ?? ticketing.kind, { now: () => (options.now?.() ?? new Date()).getTime() });
  const deps: TicketSyncDeps = { store, queue, config, catalog, ticketing, notices, log, outage, tuning: { ...DEFAULT_TUNING, ...options.tuning }, ...clock };
  const label = SYSTEM_LABEL[ticketing.kind] ?? ticketing.kind;
  const approvalOutage = itsmOutageLog(log, label, { now: () => (options.now?.() ?? new Date()).getTime() }, `approval reads from ${label}`);
  const approvals: ApprovalJobDeps = { store, queue, ticketing, config, notices, kick, log, outage: approvalOutage, ...clock };
  const schedules = approvalSchedules(itsm, config.approval.source);

  if (workers && ticketing.kind !== 'none') {
    // Different tickets in parallel; one ticket is never sent twice at once (see ticket-sync.ts).
    await queue.work<TicketSyncJob>(TICKET_SYNC_QUEUE, (job) => syncTicketEntry(deps, job), { concurrency: 4 });
    await queue.work<ApprovalCheckJob>(ITSM_CHECK_QUEUE, (job, context) => checkApproval(approvals, job, context), { concurrency: 2 });
    if (schedules.length) await queue.work<ScheduleFiring>(scheduleQueue(ITSM_POLL_SCHEDULE), (firing) => pollApprovals(approvals, firing));
  }

  let ticking: Promise<void> | null = null;
  const pump = () => pumpOutbox(deps);
  const pumpFailures = failureLog(log, 'ticket outbox pump');
  // Transitions commit deep inside use cases that know no queue; the pump turns what they
  // appended into jobs. Every replica pumps: job keys make the queue keep one job per attempt.
  const timer = workers
    ? setInterval(() => {
        ticking ??= pump()
          .then(
            () => pumpFailures.succeeded(),
            (error: Error) => pumpFailures.failed(error),
          )
          .finally(() => {
            ticking = null;
          });
      }, deps.tuning.pumpMs)
    : null;
  timer?.unref();

  return {
    ticketing,
    schedules,
    receiveWebhook: (system, headers, rawBody) => receiveItsmWebhook(approvals, itsm, system, headers, rawBody),
    pump,
    async stop() {
      if (timer) clearInterval(timer);
      await ticking;
    },
  };
};
