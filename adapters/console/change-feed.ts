import { failureLog } from '../../src/shared/failure-log.ts';
import type { Logger } from '../../src/shared/logger.ts';
import type { ConsoleHistory, ConsoleMessage } from './console-history.ts';

/** Starts a repeating poll; returns what stops it. Tests drive the ticks themselves. */
export type Ticker = (tick: () => void, everyMs: number) => () => void;
export const intervalTicker: Ticker = (tick, everyMs) => {
  const timer = setInterval(tick, everyMs);
  return () => clearInterval(timer);
};

export interface ChangeFeed {
  /** Every message another process wrote (and this one's too), to `listener`, until the returned function is called. */
  subscribe(listener: (message: ConsoleMessage) => void): () => void;
}

const BATCH = 200;

/**
 * One poll of the store for all live streams (#13: a thousand streams each polling every second
 * starved the service). It runs only while someone listens, re-reads a window below its cursor
 * for transactions that commit out of order, and hands each message to every subscriber; each
 * stream filters by visibility and drops what it sent already (its DeliveryTracker).
 */
export const createChangeFeed = ({
  history,
  log,
  pollMs,
  window,
  ticker = intervalTicker,
}: {
  history: ConsoleHistory;
  log: Logger;
  pollMs: number;
  window: number;
  ticker?: Ticker;
}): ChangeFeed => {
  const listeners = new Set<(message: ConsoleMessage) => void>();
  let cursor: number | null = null;
  let stop: (() => void) | null = null;
  let polling = false;
  const failures = failureLog(log, 'console change feed poll');

  const poll = async () => {
    if (polling) return; // a slow store must not stack polls up
    polling = true;
    try {
      cursor ??= await history.latestRevision();
      for (;;) {
        const changed = await history.allChangedSince(Math.max(0, cursor - window), BATCH);
        for (const m of changed) {
          if (m.revision > cursor) cursor = m.revision;
          for (const listener of listeners) listener(m);
        }
        if (changed.length < BATCH) break;
      }
      failures.succeeded();
    } catch (error) {
      failures.failed(error as Error);
    } finally {
      polling = false;
    }
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      stop ??= ticker(() => void poll(), pollMs);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && stop) {
          stop();
          stop = null;
          cursor = null;
        }
      };
    },
  };
};
