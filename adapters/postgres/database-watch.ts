/** The probe's pace while the database is away: doubling from the first, capped here. */
const PROBE_FIRST_MS = 100;
const PROBE_MAX_MS = 1_000;

/**
 * Whether the database answers, for the queue's pumps. While it is away a pump that failed a poll
 * waits here instead of polling on its own backoff: one probe per replica tries the database (at
 * most once a second), and the first statement of the queue that works — the probe, a send, a
 * pump, the upkeep — lets every waiting pump look at once. Each pump backing off to 5 s on its own
 * picked up jobs up to about 6 s after the database was back, and a dozen pumps tried a dead
 * database more often than one probe does.
 */
export interface DatabaseWatch {
  /** A statement of the queue worked: the database is back, if it was away. */
  answered(): void;
  /** Resolves once the database answers again; starts the probe if it is not running. */
  back(): Promise<void>;
  /** Ends the probe; whatever waits is let go. */
  stop(): void;
}

export interface DatabaseWatchOptions {
  firstMs?: number;
  maxMs?: number;
}

export const databaseWatch = (probe: () => Promise<unknown>, { firstMs = PROBE_FIRST_MS, maxMs = PROBE_MAX_MS }: DatabaseWatchOptions = {}): DatabaseWatch => {
  /** The current wait: its promise, and the probe's timer while one is due. */
  let waiting: { promise: Promise<void>; resolve: () => void; timer: NodeJS.Timeout | null } | null = null;
  let stopped = false;

  const open = () => {
    const current = waiting;
    if (!current) return;
    waiting = null;
    if (current.timer) clearTimeout(current.timer);
    current.resolve();
  };

  // A probe chain belongs to one wait: once that wait is over, its chain ends, and a later wait starts its own.
  const probeAfter = (wait: NonNullable<typeof waiting>, ms: number): void => {
    wait.timer = setTimeout(
      () => {
        wait.timer = null;
        if (waiting !== wait) return;
        probe().then(
          () => {
            if (waiting === wait) open();
          },
          () => {
            if (waiting === wait && !stopped) probeAfter(wait, Math.min(maxMs, ms * 2));
          },
        );
      },
      // Jitter, so replicas that lost the database together do not probe in step.
      ms * (0.75 + Math.random() * 0.5),
    );
    // A wait must not keep the process alive on its own.
    wait.timer.unref();
  };

  return {
    answered: open,
    back() {
      if (stopped) return Promise.resolve();
      if (!waiting) {
        let resolve!: () => void;
        const promise = new Promise<void>((r) => (resolve = r));
        waiting = { promise, resolve, timer: null };
        probeAfter(waiting, firstMs);
      }
      return waiting.promise;
    },
    stop() {
      stopped = true;
      open();
    },
  };
};
