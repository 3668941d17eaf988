import type { Logger } from './logger.ts';

/** What a repeating task says about its failures (see failureLog). */
export interface FailureLog {
  /** An attempt failed; `context` (which schedule, which surface) goes on the line, if one is written. */
  failed(error: Error, context?: Record<string, unknown>): void;
  /** An attempt worked: ends the failure, if there was one; `context` goes on the line that says so. */
  succeeded(context?: Record<string, unknown>): void;
}

/** How often a failure that goes on is said again. */
export const FAILURE_REMINDER_MS = 5 * 60_000;

export interface FailureLogOptions {
  repeatMs?: number;
  /** The level of the first line and the reminders; a lost chat message is an error, a late poll a warning. */
  level?: 'warn' | 'error';
  now?: () => number;
}

/**
 * For a task that repeats while what it needs is away (the database restarting, a chat platform
 * down): one line when it starts failing — what, since when, and the error — a reminder every five
 * minutes while it goes on (attempts failed, for how long), and one info line when it works again
 * with how long it failed. A poll that logged every failed attempt wrote hundreds of identical
 * lines through a ten-minute database restart, burying the lines an operator needed.
 */
export const failureLog = (log: Logger, what: string, { repeatMs = FAILURE_REMINDER_MS, level = 'warn', now = () => Date.now() }: FailureLogOptions = {}): FailureLog => {
  let since: number | null = null;
  let failures = 0;
  let toldAt = 0;
  const iso = (at: number) => new Date(at).toISOString();
  return {
    failed(error, context = {}) {
      const at = now();
      failures++;
      if (since === null) {
        since = toldAt = at;
        log[level]({ ...context, err: error, since: iso(at) }, `${what} failed`);
      } else if (at - toldAt >= repeatMs) {
        toldAt = at;
        log[level]({ ...context, err: error, since: iso(since), failures, failingForMs: at - since }, `${what} still failing`);
      }
    },
    succeeded(context = {}) {
      if (since === null) return;
      log.info({ ...context, since: iso(since), failures, failedForMs: now() - since }, `${what} works again`);
      since = null;
      failures = 0;
    },
  };
};

/** One of several loops sharing a failureLog (see sharedFailureLog). */
export interface SharedFailureLog {
  failed(key: string, error: Error, context?: Record<string, unknown>): void;
  succeeded(key: string): void;
}

/**
 * failureLog for several loops that fail together for one cause: every job queue a replica polls,
 * while the database is away. One line when the first of them fails, reminders naming every one
 * still failing, and one line when the last works again, naming all that failed (under `field`).
 * A failureLog each would say the same thing once per loop; one shared plain failureLog would end
 * the failure whenever any loop worked, and start it again at the next one that failed.
 */
export const sharedFailureLog = (log: Logger, what: string, field: string, options: FailureLogOptions = {}): SharedFailureLog => {
  const inner = failureLog(log, what, options);
  const failing = new Set<string>();
  const failedNow = new Set<string>();
  return {
    failed(key, error, context = {}) {
      failing.add(key);
      failedNow.add(key);
      inner.failed(error, { ...context, [field]: [...failing] });
    },
    succeeded(key) {
      if (!failing.delete(key) || failing.size > 0) return;
      inner.succeeded({ [field]: [...failedNow] });
      failedNow.clear();
    },
  };
};
