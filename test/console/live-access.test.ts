import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLiveViews, type LiveViews } from '../../adapters/console/events.ts';
import { capturedLog } from '../support/captured-log.ts';
import { until } from '../support/until.ts';
import { type ConsoleService, startConsoleService } from './support/console-service.ts';
import { openEvents } from './support/http.ts';

/**
 * An open live stream lasts only while its viewer may read it: signing out elsewhere, a revoked
 * token or leaving people[] ends it at the next check, not when the tab closes. The check itself
 * (stillActsAs, against real cookies and tokens) is in adapters/console/auth.test.ts; here the
 * streams are the real live views over the real store, and each stream's answer is set by the test.
 */
let svc: ConsoleService;
let live: LiveViews;
let server: Server;
let base: string;
/** What each stream's check answers, by viewer; a thrown error is "the store cannot tell". */
const access = new Map<string, 'allowed' | 'withdrawn' | 'unknown'>();
const checks = new Map<string, number>();
const { log, lines } = capturedLog('info');

beforeAll(async () => {
  svc = await startConsoleService();
  live = createLiveViews({ surface: svc.surface, store: { ...svc.store, consoleMessages: svc.surface.history }, log, recheckMs: 50 });
  server = createServer((req, res) => {
    const viewer = new URL(req.url ?? '/', 'http://x').searchParams.get('as') ?? '';
    const stillAllowed = async () => {
      checks.set(viewer, (checks.get(viewer) ?? 0) + 1);
      const state = access.get(viewer) ?? 'allowed';
      if (state === 'unknown') throw new Error('The database is unavailable, try again in a moment.');
      return state === 'allowed';
    };
    void live.open(res, viewer, null, stillAllowed);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await live?.stop();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await svc?.stop();
});

describe('a live stream whose viewer may no longer read it', () => {
  it('ends at the next check, and only that viewer’s', async () => {
    const bob = await openEvents(base, 'as=bob');
    const carol = await openEvents(base, 'as=carol');
    await until('two checks of each stream', () => (checks.get('bob') ?? 0) >= 2 && (checks.get('carol') ?? 0) >= 2, 30_000, 20);
    expect(live.openStreams()).toBe(2);
    access.set('bob', 'withdrawn');
    await until("bob's stream to end", () => live.openStreams() === 1, 30_000, 20);
    await bob.ended;
    // carol's stream still carries what is posted.
    await svc.broadcast('announce', { title: 'still live for carol', text: 'x' });
    await carol.next((m) => m.card?.title === 'still live for carol', 20_000);
    carol.close();
  });

  it('goes on while the store cannot tell (an outage is not a sign-out)', async () => {
    access.set('dave', 'unknown');
    const dave = await openEvents(base, 'as=dave');
    await until('three checks that could not tell', () => (checks.get('dave') ?? 0) >= 3, 30_000, 20);
    await svc.broadcast('announce', { title: 'during the outage', text: 'x' });
    await dave.next((m) => m.card?.title === 'during the outage', 20_000);
    expect(live.openStreams()).toBe(1);
    // Said once however many checks could not tell, with the cause; and once when a check answers again.
    const said = () => lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('console live view access check'));
    expect(said().map((l) => [l.level, l.msg, l.viewer, l.keptOpen])).toEqual([[40, 'console live view access check failed', 'dave', true]]);
    expect(said()[0]!.err).toMatchObject({ message: 'The database is unavailable, try again in a moment.' });
    access.set('dave', 'withdrawn');
    await until("dave's stream to end", () => live.openStreams() === 0, 30_000, 20);
    expect(said().map((l) => [l.level, l.msg])).toEqual([
      [40, 'console live view access check failed'],
      [30, 'console live view access check works again'],
    ]);
    expect(said()[1]!.failures).toBeGreaterThanOrEqual(3);
  });
});
