import { AlreadySaidError, type JobContext, type JobQueue } from '../jobs/job-queue.ts';
import type { Schedule, ScheduleFiring } from '../jobs/scheduler.ts';
import { applyItsmApproval, type ItsmApprovalDeps } from './itsm-approvals.ts';
import { NOT_STARTED } from './itsm-ended.ts';
import type { ItsmModule } from './itsm-module.ts';
import type { InboundHeaders } from './itsm-webhook.ts';
import { itsmFailureKind, type ItsmOutageLog } from './itsm-outage-log.ts';
import { isTicketingError } from './ticketing-error.ts';

/*
 * How an approval made in the ITSM reaches patchbot: a webhook nudge, and polling as
 * reconciliation for the nudges that get lost. Both only queue a check; the check reads the
 * approval back from the ITSM (never trusting a payload) and applies it (itsm-approvals.ts).
 */

export const ITSM_CHECK_QUEUE = 'tickets.approval-check';
export const ITSM_POLL_SCHEDULE = 'itsm-approvals';

export interface ApprovalCheckJob {
  changeId: string;
  /** Times in a row this check was put off because the ITSM asked for a wait (Retry-After). */
  waited?: number;
}

/** `outage`: one line per ITSM outage for the checks' reads (itsm-outage-log.ts), not one per change and retry. */
export type ApprovalJobDeps = ItsmApprovalDeps & { queue: JobQueue; outage?: ItsmOutageLog };

/**
 * A cron (with seconds) firing about every `ms`: under a minute in seconds, under an hour in
 * minutes, else in hours. Cron steps restart each minute/hour/day, so 7m fires at :00, :07 … :56.
 */
export const everyCron = (ms: number): string => {
  const seconds = Math.max(1, Math.round(ms / 1000));
  if (seconds < 60) return `*/${seconds} * * * * *`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `0 */${minutes} * * * *`;
  return `0 0 */${Math.min(23, Math.round(minutes / 60))} * * *`;
};

/** The polling schedule, when approvals can come from the ITSM at all. */
export const approvalSchedules = (itsm: ItsmModule, source: 'chat' | 'itsm' | 'both'): Schedule[] =>
  itsm.ticketing.kind === 'none' || source === 'chat' || !itsm.pollIntervalMs ? [] : [{ name: ITSM_POLL_SCHEDULE, cron: everyCron(itsm.pollIntervalMs) }];

const RETRY_LIMIT = 3;
const RETRY_DELAY_SECONDS = 5;
/** The longest a check waits on the ITSM's word: a huge Retry-After must not park it for hours. */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

const sendCheck = (deps: ApprovalJobDeps, job: ApprovalCheckJob, key: string, startAfter?: Date) =>
  // A network error or a 5xx while reading the approval: the queue retries the check.
  deps.queue.send<ApprovalCheckJob>(ITSM_CHECK_QUEUE, job, {
    key,
    retryLimit: RETRY_LIMIT,
    retryDelaySeconds: RETRY_DELAY_SECONDS,
    retryBackoff: true,
    ...(startAfter ? { startAfter } : {}),
  });

/**
 * How long a check that met a 429 (or a 503 with Retry-After) waits before it reads again: what the
 * ITSM asked (its Retry-After or rate-limit reset, parsed by the adapter's retry-after.ts), never
 * less than the queue's own first delay and at most MAX_RETRY_AFTER_MS. Null when the ITSM did not
 * say or said something unreadable: the queue's backoff then.
 */
export const approvalRetryAfterMs = (retryAfterMs: number | null): number | null =>
  retryAfterMs === null ? null : Math.min(MAX_RETRY_AFTER_MS, Math.max(RETRY_DELAY_SECONDS * 1000, retryAfterMs));

/**
 * The queue retries a failed job only after its fixed backoff (5, 10, 20 s), whatever the ITSM
 * asked; a rate-limited read asked again that soon is refused again. So the check is sent anew to
 * start when the ITSM said, and this one ends. `waited` bounds the chain like the queue's retry
 * limit: past it the next poll asks again. False when the ITSM named no wait.
 */
const putOff = async (deps: ApprovalJobDeps, job: ApprovalCheckJob, error: unknown, context: JobContext | undefined): Promise<boolean> => {
  const waitMs = approvalRetryAfterMs(isTicketingError(error) ? error.retryAfterMs : null);
  if (waitMs === null || !context) return false;
  const waited = (job.waited ?? 0) + 1;
  if (waited > RETRY_LIMIT) {
    deps.log.debug({ change: job.changeId, waited: job.waited }, 'ITSM approval check left to the next poll');
    return true;
  }
  const at = new Date((deps.now?.() ?? new Date()).getTime() + waitMs);
  // Keyed by this job: a rerun of it (its end not recorded) does not put off a second check.
  await sendCheck(deps, { changeId: job.changeId, waited }, `after:${context.id}`, at);
  return true;
};

/**
 * The `tickets.approval-check` job. A refusal is logged, not retried: the next poll asks again. An
 * ITSM that does not answer (retried by the queue, or when it said how long to wait, then) or
 * refuses the credentials (not retried) is said once per outage, not once per change awaiting
 * approval, poll and retry.
 */
export const checkApproval = async (deps: ApprovalJobDeps, job: ApprovalCheckJob, context?: JobContext): Promise<void> => {
  const startedAt = deps.now?.() ?? new Date();
  try {
    const outcome = await applyItsmApproval(deps, job.changeId);
    deps.outage?.answered();
    // Each check says how it ended: a repeated nudge for a decided change shows up here as `not-pending`.
    deps.log.debug({ change: job.changeId, outcome }, 'ITSM approval check done');
  } catch (error) {
    const kind = isTicketingError(error) ? error.kind : null;
    if (deps.outage && (kind === 'retryable' || kind === 'auth')) {
      deps.outage.failed(itsmFailureKind(error), error as Error, startedAt, { change: job.changeId });
      deps.log.debug({ err: error, change: job.changeId }, 'could not read the approval from the ITSM');
      if (kind === 'retryable' && !(await putOff(deps, job, error, context))) throw new AlreadySaidError(error as Error);
      return;
    }
    if (kind === 'retryable' && (await putOff(deps, job, error, context))) return;
    if (kind !== null && kind !== 'retryable') {
      deps.outage?.answered();
      deps.log.warn({ err: error, change: job.changeId }, 'could not read the approval from the ITSM');
      return;
    }
    throw error;
  }
};

/**
 * One polling firing (once across replicas): a check for every change awaiting approval, or
 * approved and not started (its ticket may have been cancelled since, itsm-ended.ts), that has a ticket.
 */
export const pollApprovals = async (deps: ApprovalJobDeps, firing: ScheduleFiring): Promise<void> => {
  const pending = await deps.store.changes.list({ states: ['pending-approval', ...NOT_STARTED], limit: 1000 });
  for (const change of pending) {
    if (!(await deps.store.tickets.forChange(change.id)).some((l) => l.system === deps.ticketing.kind)) continue;
    await sendCheck(deps, { changeId: change.id }, `poll:${change.id}:${firing.firedAt}`);
  }
};

export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
}

const REFUSAL_STATUS = { 'not-configured': 404, 'missing-signature': 401, 'bad-signature': 401, malformed: 400 } as const;

/**
 * POST /itsm/servicenow and /itsm/jira: verify the exact bytes, drop redeliveries, find the
 * change, queue its check, answer 202. Nothing changes before the signature checks out.
 */
export const receiveItsmWebhook = async (deps: ApprovalJobDeps, itsm: ItsmModule, system: 'servicenow' | 'jira', headers: InboundHeaders, rawBody: Buffer): Promise<WebhookAnswer> => {
  const log = deps.log.child({ webhook: system });
  if (itsm.ticketing.kind !== system) return { status: 404, body: { error: `itsm.kind is ${itsm.ticketing.kind}: patchbot takes no ${system} webhooks` } };
  const verdict = itsm.verifyWebhook(headers, rawBody);
  if (!verdict.ok) {
    log.warn({ refusal: verdict.refusal }, 'ITSM webhook refused');
    return { status: REFUSAL_STATUS[verdict.refusal], body: { error: verdict.message } };
  }
  const { nudge } = verdict;
  if (!(await deps.store.idempotency.claim(`itsm-webhook:${system}:${nudge.deliveryId}`, deps.now?.() ?? new Date()))) {
    return { status: 200, body: { ok: true, duplicate: true } };
  }
  if (deps.config.approval.source === 'chat') return { status: 202, body: { ok: true, ignored: 'approval.source is chat' } };
  const changeId = await deps.store.ticketOutbox.changeOfTicket(system, nudge.key);
  if (!changeId) return { status: 202, body: { ok: true, ignored: `${nudge.key} is not a patchbot ticket` } };
  await sendCheck(deps, { changeId }, `webhook:${system}:${nudge.deliveryId}`);
  log.info({ change: changeId, ticket: nudge.key, status: nudge.status }, 'ITSM webhook received');
  return { status: 202, body: { ok: true, change: changeId } };
};
