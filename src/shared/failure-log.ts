import type { Logger } from './logger.ts';

/** What a repeating task says about its failures (see failureLog). */
export interface FailureLog {
  /** An attempt failed; `context` (which schedule, which surface) goes on the line, if one is written. */
  failed(error: Error, context?: Record<string, unknown>): void;
  /** An attempt worked: ends the failure, if there was one. */
  succeeded(): void;
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
    succeeded() {
      if (since === null) return;
      log.info({ since: iso(since), failures, failedForMs: now() - since }, `${what} works again`);
      since = null;
      failures = 0;
    },
  };
};
