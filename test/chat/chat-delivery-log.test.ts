import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleSurface } from '../../adapters/console/console-surface.ts';
import type { Card } from '../../src/chat/card.ts';
import { createChatHub } from '../../src/chat/chat-hub.ts';
import type { ChatSurface } from '../../src/chat/chat-surface.ts';
import { chatHandlers } from '../../src/chat/handlers.ts';
import { Config } from '../../src/config/schema.ts';
import { freshPglite } from '../support/engines.ts';
import { capturedLog } from '../support/captured-log.ts';

/**
 * One surface down (Slack, say) while the hub keeps delivering: the log says so once, with the
 * error, and once when a card gets through again; every card still reaches the surface that works.
 */
const at = new Date('2024-05-01T14:02:00Z');
let opened: Awaited<ReturnType<typeof freshPglite>>;

beforeAll(async () => {
  opened = await freshPglite();
});
afterAll(async () => opened?.store.close());

/** A Slack stand-in (the port, not our code) that refuses everything while `down` is true. */
const flakySlack = () => {
  const state = { down: true, posted: [] as string[] };
  const refuse = () => {
    if (state.down) throw new Error('slack is down: 503');
  };
  const surface: ChatSurface = {
    name: 'slack',
    async post(channel, card) {
      refuse();
      state.posted.push(card.title);
      return { surface: 'slack', channel, id: `ts-${state.posted.length}` };
    },
    async update() {
      refuse();
    },
    async reply(_thread, card) {
      refuse();
      state.posted.push(card.title);
      return { surface: 'slack', channel: 'C-APP', id: `ts-${state.posted.length}` };
    },
    async ephemeral() {
      refuse();
    },
  };
  return { surface, state };
};

describe('chat delivery while a surface is down', () => {
  it('logs one error when deliveries to it start failing and one line when one works again; the other surface gets every card', async () => {
    const { log, lines } = capturedLog('info');
    const slack = flakySlack();
    const console = createConsoleSurface({ store: { chatThreads: opened.store.chatThreads, consoleMessages: opened.consoleMessages }, now: () => at });
    const hub = createChatHub({
      store: opened.store,
      bindings: [
        { surface: console, channels: { announce: 'announce', approvals: 'approvals' } },
        { surface: slack.surface, channels: { announce: 'C-ANN', approvals: 'C-APP' } },
      ],
      ...chatHandlers({ config: Config.parse({}) }),
      log,
      now: () => at,
    });
    const card = (n: number): Card => ({ title: `notice ${n}` });
    for (let n = 1; n <= 5; n++) await hub.broadcast([{ channel: 'announce', card: card(n) }]);
    slack.state.down = false;
    await hub.broadcast([{ channel: 'announce', card: card(6) }]);

    expect(lines.map((l) => [l.level, l.msg, l.what, l.failures])).toEqual([
      [50, 'chat delivery to slack failed', 'broadcast', undefined],
      [30, 'chat delivery to slack works again', undefined, 5],
    ]);
    expect(lines[0]!.err).toMatchObject({ message: 'slack is down: 503' });
    expect(slack.state.posted).toEqual(['notice 6']);
    const shown = (await opened.consoleMessages.recent('announce', null, 10)).map((m) => m.card?.title);
    expect(shown.sort()).toEqual(['notice 1', 'notice 2', 'notice 3', 'notice 4', 'notice 5', 'notice 6']);
  });
});
