import type { ServerResponse } from 'node:http';
import { failureLog } from '../../src/shared/failure-log.ts';
import type { Logger } from '../../src/shared/logger.ts';
import type { ConsoleMessage, ConsoleStore } from './console-history.ts';
import { ConsoleApiError } from './api-request.ts';
import { createChangeFeed, type Ticker } from './change-feed.ts';
import type { ConsoleSurface } from './console-surface.ts';
import { createDeliveryTracker } from './delivery-tracker.ts';
import { messageView, visibleTo } from './views.ts';

export interface LiveViewOptions {
  surface: ConsoleSurface;
  store: ConsoleStore;
  log: Logger;
  /** How often the store is polled for messages other processes wrote (default 1 s). */
  pollMs?: number;
  /** Comment lines that keep proxies and the browser from timing the stream out (default 15 s). */
  heartbeatMs?: number;
  /** Revisions re-read below the cursor, for transactions that committed out of order (default 64). */
  window?: number;
  /** Open streams allowed per person and in all; beyond them a 429 (the total's with a Retry-After: others' tabs close by themselves). */
  maxPerPerson?: number;
  maxStreams?: number;
  /**
   * How often an open stream asks whether its viewer may still read it (default 60 s): signing
   * out, a revoked token or leaving people[] ends their open streams within this, not when the tab
   * closes. One key lookup per stream per period.
   */
  recheckMs?: number;
  /** Drives the shared poll; tests tick it by hand to count store reads. */
  ticker?: Ticker;
}

export interface LiveViews {
  /**
   * Streams `viewer`'s messages as server-sent events from revision `from` until the client leaves,
   * stop(), or `stillAllowed` answers false (it may throw when it cannot tell: the stream goes on).
   */
  open(res: ServerResponse, viewer: string, from: number | null, stillAllowed?: () => Promise<boolean>): Promise<void>;
  openStreams(): number;
  stop(): Promise<void>;
}

const BATCH = 200;
/** When the console is at its stream limit, a client may try again after this long (tabs close, streams end). */
const RETRY_AFTER_S = 30;

/** `Last-Event-ID` or `?since=`: a revision, or null for "from now". */
export const resumeFrom = (lastEventId: string | undefined, since: string | null): number | null => {
  const raw = lastEventId ?? since;
  if (raw === undefined || raw === null || raw === '') return null;
  if (!/^\d{1,18}$/.test(raw)) throw new ConsoleApiError(400, 'Last-Event-ID and `since` are message revisions (whole numbers)');
  return Number(raw);
};

/**
 * Server-sent events per person. A message written by this process is pushed at once (the
 * surface's onMessage); everything else (other replicas, a CLI process) arrives through the one
 * shared change feed. A stream reads the store itself only to catch up when it opens. Both paths
 * go through one tracker per stream, so nothing is sent twice.
 */
export const createLiveViews = ({
  surface,
  store,
  log,
  pollMs = 1000,
  heartbeatMs = 15_000,
  window: asked = 64,
  maxPerPerson = 8,
  maxStreams = 500,
  recheckMs = 60_000,
  ticker,
}: LiveViewOptions): LiveViews => {
  const window = Math.min(asked, BATCH / 2);
  const closers = new Set<() => void>();
  const perPerson = new Map<string, number>();
  const feed = createChangeFeed({ history: store.consoleMessages, log, pollMs, window, ...(ticker ? { ticker } : {}) });
  // Every open stream re-checks its viewer; while the store cannot tell, they all stay open (an
  // outage is not a sign-out), which an operator must hear of once, not once per stream and check.
  const rechecks = failureLog(log, 'console live view access check');
  let opening = 0;
  let stopped = false;

  /** Takes a place for `viewer`'s stream, or refuses with a 429. Counted before any await, so a burst cannot all pass. */
  const admit = (viewer: string): (() => void) => {
    if (closers.size + opening >= maxStreams)
      throw new ConsoleApiError(429, `the console has ${maxStreams} live streams open, its limit; try again later`, {}, { 'retry-after': String(RETRY_AFTER_S) });
    const mine = perPerson.get(viewer) ?? 0;
    if (mine >= maxPerPerson) throw new ConsoleApiError(429, `${viewer} has ${maxPerPerson} live streams open, the limit per person; close a console tab or window`);
    perPerson.set(viewer, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (perPerson.get(viewer) ?? 1) - 1;
      if (left > 0) perPerson.set(viewer, left);
      else perPerson.delete(viewer);
    };
  };

  return {
    async open(res, viewer, from, stillAllowed) {
      if (stopped) throw new ConsoleApiError(503, 'the console is shutting down');
      const release = admit(viewer);
      opening++;
      let start: number;
      let tracker: ReturnType<typeof createDeliveryTracker>;
      try {
        start = from ?? (await store.consoleMessages.latestRevision());
        tracker = createDeliveryTracker(start, window);
        if (from === null) {
          // "From now": what is already there is not news, but a revision below `start` that commits
          // later is; so the window is marked as sent rather than skipped by number.
          const present = await store.consoleMessages.changedSince(tracker.pollFrom(), viewer, BATCH);
          for (const m of present) if (m.revision <= start) tracker.accept(m);
        }
      } catch (error) {
        release();
        throw error;
      } finally {
        opening--;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      let closed = false;
      const send = (m: ConsoleMessage) => {
        if (closed || !visibleTo(m, viewer) || !tracker.accept(m)) return;
        res.write(`id: ${tracker.cursor()}\nevent: message\ndata: ${JSON.stringify(messageView(m))}\n\n`);
      };
      res.write(`retry: 2000\nevent: ready\ndata: ${JSON.stringify({ viewer, revision: start })}\n\n`);

      const unsubscribe = [surface.onMessage(send), feed.subscribe(send)];
      const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
      let recheck: NodeJS.Timeout | null = null;
      const close = () => {
        if (closed) return;
        closed = true;
        unsubscribe.forEach((u) => u());
        clearInterval(heartbeat);
        if (recheck) clearInterval(recheck);
        closers.delete(close);
        release();
        if (!res.writableEnded) res.end();
      };
      closers.add(close);
      res.once('close', close);
      if (stillAllowed) {
        let checking = false;
        const checkAccess = async () => {
          if (checking) return;
          checking = true;
          try {
            let allowed: boolean;
            try {
              allowed = await stillAllowed();
              rechecks.succeeded();
            } catch (error) {
              rechecks.failed(error as Error, { viewer, keptOpen: true });
              return;
            }
            if (allowed) return;
            log.info({ viewer }, 'console live view ended: its viewer may no longer read it');
            close();
          } finally {
            checking = false;
          }
        };
        recheck = setInterval(() => void checkAccess(), recheckMs);
      }
      log.debug({ viewer, from: start }, 'console live view opened');
      // Catch up once (a resume from Last-Event-ID may be far behind); the feed carries on from there.
      try {
        for (;;) {
          const changed = await store.consoleMessages.changedSince(tracker.pollFrom(), viewer, BATCH);
          if (closed) return;
          changed.forEach(send);
          if (changed.length < BATCH) return;
        }
      } catch (error) {
        log.warn({ err: error as Error, viewer }, 'console live view catch-up failed');
      }
    },
    openStreams: () => closers.size,
    async stop() {
      stopped = true;
      for (const close of [...closers]) close();
    },
  };
};
