import { failureLog, FAILURE_REMINDER_MS, type FailureLogOptions } from '../shared/failure-log.ts';
import type { Logger } from '../shared/logger.ts';
import { isTicketingError } from './ticketing-error.ts';

/**
 * What ticket sync says in the log while an ITSM does not take its updates: one line when it
 * starts (the error, since when), a reminder every five minutes, one info line when it answers
 * again (the project's failure log, src/shared/failure-log.ts), per ITSM system. Every pending
 * ticket retries on its own backoff, so a line per attempt made an outage with 40 waiting updates
 * a flood; each attempt is still logged, at debug, by the worker.
 *
 * A rate limit (429) is no outage: the ITSM answered, it asks for one request to wait (the retry
 * honours its Retry-After), and its other requests go through meanwhile. Counted as a failure, one
 * 429 among updates that worked said "failed" and "works again" for every 429. It is said on a line
 * of its own instead, at most once per reminder interval, and neither begins nor ends an outage.
 */
export interface ItsmOutageLog {
  /**
   * An update failed: `retryable` (no answer, a 5xx), `rate-limited` (a 429), `auth` (credentials
   * refused), or null for a fault of patchbot's own. `startedAt`: when the attempt began.
   */
  failed(kind: ItsmFailureKind | null, error: Error, startedAt: Date, context?: Record<string, unknown>): void;
  /** The ITSM answered an update, taking or refusing it: whatever failed is over. */
  answered(): void;
}

export type ItsmFailureKind = 'retryable' | 'rate-limited' | 'auth';

/** How a failed request to the ITSM counts in its log (see ItsmOutageLog); null: not the ITSM's doing. */
export const itsmFailureKind = (error: unknown): ItsmFailureKind | null => {
  if (!isTicketingError(error)) return null;
  if (error.status === 429) return 'rate-limited';
  return error.kind === 'auth' ? 'auth' : 'retryable';
};

/** `what`: what the lines are about, the ITSM named in it (`ticket updates to ServiceNow`, `approval reads from Jira`). */
export const itsmOutageLog = (log: Logger, label: string, options: FailureLogOptions = {}, what = `ticket updates to ${label}`): ItsmOutageLog => {
  const now = options.now ?? (() => Date.now());
  const repeatMs = options.repeatMs ?? FAILURE_REMINDER_MS;
  let answeredAt = -Infinity;
  let rateLimitSaidAt = -Infinity;
  let rateLimited = 0;
  const logs = {
    retryable: failureLog(log, what, options),
    // Bad credentials fail every update alike until someone fixes them: an error, said once.
    auth: failureLog(log, `${what} (credentials refused)`, { ...options, level: 'error' }),
    unexpected: failureLog(log, `${what} (unexpected error)`, { ...options, level: 'error' }),
  };
  const sayRateLimit = (error: Error, context: Record<string, unknown> = {}) => {
    rateLimited++;
    const at = now();
    if (at - rateLimitSaidAt < repeatMs) return;
    const retryAfterMs = isTicketingError(error) ? error.retryAfterMs : null;
    // `rateLimited`: the 429s since the last such line, this one included.
    log.warn({ ...context, err: error, retryAfterMs, rateLimited }, `${what} rate limited`);
    rateLimitSaidAt = at;
    rateLimited = 0;
  };
  return {
    failed(kind, error, startedAt, context) {
      if (kind === 'rate-limited') return sayRateLimit(error, context);
      // An attempt sent before the ITSM answered another one (a request in flight when it came
      // back) says nothing new: it would only open a second outage right after the first ended.
      if (startedAt.getTime() < answeredAt) return;
      logs[kind ?? 'unexpected'].failed(error, context);
    },
    answered() {
      answeredAt = now();
      for (const each of Object.values(logs)) each.succeeded();
    },
  };
};
