import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleApiError } from '../../adapters/console/api-request.ts';
import type { ConsoleHistory, ConsoleStore } from '../../adapters/console/console-history.ts';
import { createLiveViews, type LiveViews } from '../../adapters/console/events.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { type ConsoleService, startConsoleService } from './support/console-service.ts';
import { type EventStream, openEvents } from './support/http.ts';

/**
 * #13 item 7: a thousand open streams each polled the store every second. Now one shared feed
 * polls for all of them. The real history (PGlite) is wrapped to count reads, and the feed's
 * ticks are driven by hand, so "one read per tick" is counted, not timed.
 */
const PEOPLE = ['alice', 'bob', 'carol', 'dave', 'erin'];
const PER_PERSON = 8;
const TOTAL = PEOPLE.length * PER_PERSON;

let svc: ConsoleService;
let live: LiveViews;
let server: Server;
let base: string;
const reads = { allChangedSince: 0, changedSince: 0, latestRevision: 0 };
const ticks: Array<() => void> = [];
const streams: EventStream[] = [];

const counted = (history: ConsoleHistory): ConsoleHistory => ({
  ...history,
  allChangedSince: (...args) => (reads.allChangedSince++, history.allChangedSince(...args)),
  changedSince: (...args) => (reads.changedSince++, history.changedSince(...args)),
  latestRevision: () => (reads.latestRevision++, history.latestRevision()),
});

beforeAll(async () => {
  svc = await startConsoleService();
  const store = { ...svc.store, consoleMessages: counted(svc.surface.history) } as ConsoleStore;
  live = createLiveViews({
    surface: svc.surface,
    store,
    log: createLogger({ level: 'silent' }),
    maxPerPerson: PER_PERSON,
    maxStreams: TOTAL,
    ticker: (tick) => (ticks.push(tick), () => ticks.splice(ticks.indexOf(tick), 1)),
  });
  server = createServer((req, res) => {
    const viewer = new URL(req.url ?? '/', 'http://x').searchParams.get('as') ?? '';
    live.open(res, viewer, null).catch((error: unknown) => {
      res.writeHead(error instanceof ConsoleApiError ? error.status : 500, { 'content-type': 'application/json', ...(error instanceof ConsoleApiError ? error.headers : {}) });
      res.end(JSON.stringify({ error: (error as Error).message }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  streams.forEach((s) => s.close());
  await live?.stop();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await svc?.stop();
});

const refused = async (as: string) => {
  const response = await fetch(`${base}/api/console/events?as=${as}`);
  const retryAfter = response.headers.get('retry-after');
  return { status: response.status, error: ((await response.json()) as { error: string }).error, ...(retryAfter ? { retryAfter } : {}) };
};

describe('live streams share one change feed', () => {
  it('caps streams per person and in all with a clear 429', async () => {
    for (let i = 0; i < PER_PERSON; i++) streams.push(await openEvents(base, 'as=alice'));
    expect(await refused('alice')).toEqual({ status: 429, error: `alice has ${PER_PERSON} live streams open, the limit per person; close a console tab or window` });
    for (const person of PEOPLE.slice(1)) for (let i = 0; i < PER_PERSON; i++) streams.push(await openEvents(base, `as=${person}`));
    expect(live.openStreams()).toBe(TOTAL);
    expect(await refused('mallory')).toEqual({ status: 429, error: `the console has ${TOTAL} live streams open, its limit; try again later`, retryAfter: '30' });
    expect(ticks).toHaveLength(1);
  });

  it('reads the store once per tick for all streams, and every stream gets what another process wrote', async () => {
    const first = reads.allChangedSince;
    ticks[0]!(); // the feed learns where "now" is
    await expect.poll(() => reads.allChangedSince).toBe(first + 1);
    const written = await svc.surface.history.append({ channel: 'announce', author: 'patchbot', card: { title: 'Written by another replica' }, postedAt: new Date() });
    const before = { ...reads };
    ticks[0]!();
    await Promise.all(streams.map((s) => s.next((m) => m.id === written.id)));
    expect(reads.allChangedSince - before.allChangedSince).toBe(1);
    expect(reads.changedSince - before.changedSince).toBe(0);
    // A second tick re-reads the window once more; no stream gets the message twice.
    const dm = await svc.surface.history.append({ channel: 'dm:bob', author: 'patchbot', card: { title: 'For bob only' }, postedAt: new Date() });
    ticks[0]!();
    const bobs = streams.slice(PER_PERSON, 2 * PER_PERSON);
    await Promise.all(bobs.map((s) => s.next((m) => m.id === dm.id)));
    expect(reads.allChangedSince - before.allChangedSince).toBe(2);
    for (const s of streams) expect(s.messages.filter((m) => m.id === written.id)).toHaveLength(1);
    expect(streams.filter((s) => s.messages.some((m) => m.id === dm.id))).toHaveLength(PER_PERSON);
  });

  it('frees a place when a stream closes, and stops polling when the last one does', async () => {
    streams.pop()!.close();
    await expect.poll(() => live.openStreams()).toBe(TOTAL - 1);
    streams.push(await openEvents(base, 'as=erin'));
    for (const s of streams.splice(0)) s.close();
    await expect.poll(() => live.openStreams()).toBe(0);
    expect(ticks).toHaveLength(0);
  });
});
