import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleService, startConsoleService } from './support/console-service.ts';
import { call, type EventStream, openEvents } from './support/http.ts';

/** The live event stream against the real service: pushes, polling, resume, visibility, shutdown. */
let svc: ConsoleService;
const streams: EventStream[] = [];
beforeAll(async () => {
  svc = await startConsoleService();
});
afterAll(async () => {
  streams.forEach((s) => s.close());
  await svc?.stop();
});

const open = async (query: string, headers: Record<string, string> = {}) => {
  const stream = await openEvents(svc.url, query, headers);
  streams.push(stream);
  return stream;
};
const say = (as: string, channel: string, text: string) => call(svc.url, 'POST', '/messages', { as, channel, text });

describe('console live events', () => {
  it("pushes what happens in bob's channels at once, and nothing private to someone else", async () => {
    const bob = await open('as=bob');
    const proposed = await say('alice', 'approvals', '/patch propose KB5034441 to prod-web');
    const change = proposed.body.data.change as string;
    const card = await bob.next((m) => m.card?.title.startsWith(`${change}:`));
    expect(card).toMatchObject({ channel: 'approvals', author: 'patchbot', private: false });
    await say('alice', 'dm:alice', 'which servers are missing KB5034441?');

    // A vote edits the card: the same id comes again with a higher revision.
    await call(svc.url, 'POST', '/actions', { messageId: card.id, actionId: 'change.approve', as: 'carol' });
    const edited = await bob.next((m) => m.id === card.id && m.revision > card.revision);
    expect(edited.card.text).toMatch(/1 of 3 CAB approvals: carol/);
    // alice's proposal ack (private) and her DM never reach bob.
    expect(bob.messages.filter((m) => m.private || m.channel.startsWith('dm:'))).toEqual([]);
  });

  it('delivers messages another process wrote (no in-process push) by polling the store', async () => {
    const dave = await open('as=dave');
    // Straight into the store, as another replica or a CLI process would: this process emits nothing.
    const written = await svc.surface.history.append({ channel: 'announce', author: 'patchbot', card: { title: 'Written elsewhere' }, postedAt: new Date() });
    // The feed polls each second; a loaded machine may take several.
    const seen = await dave.next((m) => m.id === written.id, 15_000);
    expect(seen.card.title).toBe('Written elsewhere');
    // …and only once, though every poll re-reads a window below its cursor: two later messages,
    // each written after the one before arrived, come by two later polls.
    for (const title of ['Written later', 'Written last']) {
      const later = await svc.surface.history.append({ channel: 'announce', author: 'patchbot', card: { title }, postedAt: new Date() });
      await dave.next((m) => m.id === later.id);
    }
    expect(dave.messages.filter((m) => m.id === written.id)).toHaveLength(1);
  });

  it('resumes from Last-Event-ID without losing what was posted while disconnected', async () => {
    const first = await open('as=erin');
    const before = await svc.surface.history.append({ channel: 'announce', author: 'patchbot', card: { title: 'Before the gap' }, postedAt: new Date() });
    await first.next((m) => m.id === before.id);
    // A stream opened "from now" replays nothing older (earlier tests wrote to announce).
    expect(first.messages.map((m) => m.id)).toEqual([before.id]);
    const resumeAt = first.lastEventId();
    expect(resumeAt).toBe(String(before.revision));
    first.close();
    const missed = await svc.surface.history.append({ channel: 'announce', author: 'patchbot', card: { title: 'During the gap' }, postedAt: new Date() });
    const second = await open('as=erin', { 'last-event-id': resumeAt! });
    expect((await second.next((m) => m.id === missed.id)).card.title).toBe('During the gap');
    // `since` does the same for a page that read the channel first.
    const third = await open(`as=erin&since=${before.revision}`);
    await third.next((m) => m.id === missed.id);
  });

  it('refuses a bad cursor or person before streaming', async () => {
    expect((await call(svc.url, 'GET', '/events?as=erin&since=abc')).status).toBe(400);
    expect((await call(svc.url, 'GET', '/events?as=nobody')).status).toBe(400);
  });

  it('ends every open stream when the service stops, so the server can drain', async () => {
    const stream = await open('as=alice');
    const stopping = svc.stop();
    // A stream left open would hold the drain: the stop would not finish and the test would time out.
    await stream.ended;
    await stopping;
  });
});
