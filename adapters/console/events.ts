import type { ServerResponse } from 'node:http';
import type { Logger } from '../../src/shared/logger.ts';
import type { ConsoleMessage, ConsoleStore } from './console-history.ts';
import { ConsoleApiError } from './api-request.ts';
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
}

export interface LiveViews {
  /** Streams `viewer`'s messages as server-sent events from revision `from` until the client leaves or stop(). */
  open(res: ServerResponse, viewer: string, from: number | null): Promise<void>;
  openStreams(): number;
  stop(): Promise<void>;
}

const BATCH = 200;

/** `Last-Event-ID` or `?since=`: a revision, or null for "from now". */
export const resumeFrom = (lastEventId: string | undefined, since: string | null): number | null => {
  const raw = lastEventId ?? since;
  if (raw === undefined || raw === null || raw === '') return null;
  if (!/^\d{1,18}$/.test(raw)) throw new ConsoleApiError(400, 'Last-Event-ID and `since` are message revisions (whole numbers)');
  return Number(raw);
};

/**
 * Server-sent events per person. A message written by this process is pushed at once (the
 * surface's onMessage); everything else — other replicas, a CLI process — arrives by polling
 * `changedSince`. Both paths go through one tracker, so nothing is sent twice.
 */
export const createLiveViews = ({ surface, store, log, pollMs = 1000, heartbeatMs = 15_000, window: asked = 64 }: LiveViewOptions): LiveViews => {
  const window = Math.min(asked, BATCH / 2);
  const closers = new Set<() => void>();
  let stopped = false;

  return {
    async open(res, viewer, from) {
      if (stopped) throw new ConsoleApiError(503, 'the console is shutting down');
      const start = from ?? (await store.consoleMessages.latestRevision());
      const tracker = createDeliveryTracker(start, window);
      if (from === null) {
        // "From now": what is already there is not news, but a revision below `start` that commits
        // later is — so the window is marked as sent rather than skipped by number.
        const present = await store.consoleMessages.changedSince(tracker.pollFrom(), viewer, BATCH);
        for (const m of present) if (m.revision <= start) tracker.accept(m);
      }
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      const send = (m: ConsoleMessage) => {
        if (!tracker.accept(m)) return;
        res.write(`id: ${tracker.cursor()}\nevent: message\ndata: ${JSON.stringify(messageView(m))}\n\n`);
      };
      res.write(`retry: 2000\nevent: ready\ndata: ${JSON.stringify({ viewer, revision: start })}\n\n`);

      let closed = false;
      let polling = false;
      const poll = async () => {
        if (polling) return; // a slow store must not stack polls up
        polling = true;
        try {
          for (;;) {
            const changed = await store.consoleMessages.changedSince(tracker.pollFrom(), viewer, BATCH);
            if (closed) return;
            changed.forEach(send);
            // A full batch means more is waiting. It always advances the cursor: the window is
            // smaller than a batch and revisions are unique.
            if (changed.length < BATCH) return;
          }
        } catch (error) {
          log.warn({ err: error as Error, viewer }, 'console live view poll failed');
        } finally {
          polling = false;
        }
      };

      const unsubscribe = surface.onMessage((m) => {
        if (visibleTo(m, viewer)) send(m);
      });
      const timers = [setInterval(() => void poll(), pollMs), setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs)];
      const close = () => {
        if (closed) return;
        closed = true;
        unsubscribe();
        timers.forEach(clearInterval);
        closers.delete(close);
        if (!res.writableEnded) res.end();
      };
      closers.add(close);
      res.once('close', close);
      log.debug({ viewer, from: start }, 'console live view opened');
      await poll();
    },
    openStreams: () => closers.size,
    async stop() {
      stopped = true;
      for (const close of [...closers]) close();
    },
  };
};
