import { failureLog, type FailureLogOptions } from '../shared/failure-log.ts';
import type { Logger } from '../shared/logger.ts';

/**
 * What ticket sync says in the log while an ITSM does not take its updates: one line when it
 * starts (the error, since when), a reminder every five minutes, one info line when it answers
 * again (the project's failure log, src/shared/failure-log.ts), per ITSM system. Every pending
 * ticket retries on its own backoff, so a line per attempt made an outage with 40 waiting updates
 * a flood; each attempt is still logged, at debug, by the worker.
 */
export interface ItsmOutageLog {
  /**
   * An update failed: `retryable` (no answer, 5xx, 429), `auth` (credentials refused), or null for
   * a fault of patchbot's own. `startedAt`: when the attempt began.
   */
  failed(kind: 'retryable' | 'auth' | null, error: Error, startedAt: Date, context?: Record<string, unknown>): void;
  /** The ITSM answered an update, taking or refusing it: whatever failed is over. */
  answered(): void;
}

/** `what`: what the lines are about, the ITSM named in it (`ticket updates to ServiceNow`, `approval reads from Jira`). */
export const itsmOutageLog = (log: Logger, label: string, options: FailureLogOptions = {}, what = `ticket updates to ${label}`): ItsmOutageLog => {
  const now = options.now ?? (() => Date.now());
  let answeredAt = -Infinity;
  const logs = {
    retryable: failureLog(log, what, options),
    // Bad credentials fail every update alike until someone fixes them: an error, said once.
    auth: failureLog(log, `${what} (credentials refused)`, { ...options, level: 'error' }),
    unexpected: failureLog(log, `${what} (unexpected error)`, { ...options, level: 'error' }),
  };
  return {
    failed(kind, error, startedAt, context) {
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
