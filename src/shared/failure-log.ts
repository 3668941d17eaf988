import type { Logger } from './logger.ts';

/** What a loop that runs every second says about its failures (see failureLog). */
export interface FailureLog {
  failed(error: Error): void;
  succeeded(): void;
}

/**
 * A warning when a repeating task starts failing, one a minute while it goes on (with how many
 * attempts failed and for how long), and one line when it works again. A poll that logged every
 * failed second wrote ~300 lines through a five-minute store restart, burying the lines an
 * operator needed (which tickets were late, which hosts failed).
 */
export const failureLog = (log: Logger, what: string, { repeatMs = 60_000, now = () => Date.now() }: { repeatMs?: number; now?: () => number } = {}): FailureLog => {
  let since: number | null = null;
  let failures = 0;
  let toldAt = 0;
  return {
    failed(error) {
      const at = now();
      failures++;
      if (since === null) {
        since = toldAt = at;
        log.warn({ err: error }, `${what} failed`);
      } else if (at - toldAt >= repeatMs) {
        toldAt = at;
        log.warn({ err: error, failures, failingForMs: at - since }, `${what} still failing`);
      }
    },
    succeeded() {
      if (since === null) return;
      log.info({ failures, failedForMs: now() - since }, `${what} works again`);
      since = null;
      failures = 0;
    },
  };
};
