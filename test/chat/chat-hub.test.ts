import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleSurface } from '../../adapters/console/console-surface.ts';
import { announceScan } from '../../src/chat/announce/announce-scan.ts';
import type { Card } from '../../src/chat/card.ts';
import { createChatHub, type ChatHub } from '../../src/chat/chat-hub.ts';
import type { ChatSurface, MessageRef } from '../../src/chat/chat-surface.ts';
import { chatHandlers } from '../../src/chat/handlers.ts';
import type { Interaction } from '../../src/chat/interaction.ts';
import { Config } from '../../src/config/schema.ts';
import { createLogger } from '../../src/shared/logger.ts';
import type { PatchbotStore } from '../../src/patchbot-store.ts';
import { freshPglite } from '../support/engines.ts';
import { seedEstate } from '../support/seed.ts';

/**
 * The hub between the use cases and the surfaces, with the real console surface over a real store
 * and a second surface that records what it is sent (a stand-in for Slack: the port, not our code).
 */
interface Sent {
  op: 'post' | 'update' | 'reply' | 'ephemeral';
  channel: string;
  card: Card;
  id?: string;
  to?: string;
}
const recordingSurface = (failing = false): ChatSurface & { sent: Sent[] } => {
  const sent: Sent[] = [];
  let n = 0;
  const fail = () => {
    if (failing) throw new Error('surface down');
  };
  return {
    name: 'slack',
    sent,
    async post(channel, card) {
      fail();
      const id = `ts-${++n}`;
      sent.push({ op: 'post', channel, card, id });
      return { surface: 'slack', channel, id };
    },
    async update(ref, card) {
      fail();
      sent.push({ op: 'update', channel: ref.channel, card, id: ref.id });
    },
    async reply(thread, card) {
      fail();
      const ref = thread as MessageRef;
      sent.push({ op: 'reply', channel: ref.channel, card, id: ref.id });
      return { surface: 'slack', channel: ref.channel, id: `ts-${++n}` };
    },
    async ephemeral(channel, to, card) {
      fail();
      sent.push({ op: 'ephemeral', channel, card, to: to.surfaceUserId });
    },
  };
};

const config = Config.parse({ windows: { weeknights: { cron: '0 22 * * 1-5', duration: '4h' } } });
const log = createLogger({ level: 'silent' });
const at = new Date('2024-05-01T14:02:00Z');
let opened: Awaited<ReturnType<typeof freshPglite>>;
let store: PatchbotStore;
let counter = 0;

const interaction = async (name: string, over: Partial<Interaction>): Promise<Interaction> => ({
  id: `i-${++counter}`,
  surface: 'console',
  channel: 'approvals',
  actor: { person: await store.people.get(name), surfaceUserId: name, displayName: name },
  kind: 'command',
  receivedAt: at,
  ...over,
});

const hubWith = (slack: ChatSurface): { hub: ChatHub; console: ReturnType<typeof createConsoleSurface> } => {
  const console = createConsoleSurface({ store: { chatThreads: store.chatThreads, consoleMessages: opened.consoleMessages }, now: () => at });
  const bindings = [
    { surface: console, channels: { announce: 'announce', approvals: 'approvals' } },
    { surface: slack, channels: { announce: 'C-ANN', approvals: 'C-APP' } },
  ];
  return { hub: createChatHub({ store, bindings, ...chatHandlers({ config }), log, now: () => at }), console };
};

beforeAll(async () => {
  opened = await freshPglite();
  store = opened.store;
  await seedEstate(store);
  await store.hosts.sync([
    { name: 'web-01', address: '10.0.0.1', port: 22, user: 'root', os: 'debian', groups: ['prod-web'], tags: {}, connection: 'ssh' },
    { name: 'stg-01', address: '10.0.1.1', port: 22, user: 'root', os: 'debian', groups: ['staging'], tags: {}, connection: 'ssh' },
  ]);
  await store.scans.start('scan-9', 'schedule', ['web-01', 'stg-01'], at);
  await store.patches.upsert([{ id: 'DSA-5601-1', title: 'openssl security update', severity: 'critical', security: true, cves: [], rebootHint: false, firstSeen: at }], 'scan-9');
  await store.findings.record('scan-9', 'web-01', [{ patchId: 'DSA-5601-1', state: 'missing' }], at);
  await store.findings.record('scan-9', 'stg-01', [{ patchId: 'DSA-5601-1', state: 'missing' }], at);
  for (const host of ['web-01', 'stg-01']) await store.scans.recordHost({ scanId: 'scan-9', host, outcome: 'ok', startedAt: at, finishedAt: at });
});
afterAll(async () => opened?.store.close());

describe('chat hub', () => {
  it('carries a digest → Propose click → CAB votes → decision across two surfaces, one thread per change', async () => {
    const slack = recordingSurface();
    const { hub } = hubWith(slack);
    expect(await announceScan(hub, store, 'scan-9', { schedule: config, approval: config.approval, now: at })).toBe(true);
    const [digest] = await opened.consoleMessages.recent('announce', null, 10);
    expect(digest?.card?.title).toBe('1 new patch found');
    expect(slack.sent).toMatchObject([{ op: 'post', channel: 'C-ANN', card: { title: '1 new patch found' } }]);

    // alice clicks Propose rollout on the console's copy.
    const click = await interaction('alice', {
      channel: 'announce',
      kind: 'action',
      action: { id: 'digest.propose', value: 'scan:scan-9' },
      message: { surface: 'console', channel: 'announce', id: digest!.id },
    });
    const proposed = await hub.handle(click);
    expect(proposed.error).toBeUndefined();
    const changeId = String(proposed.data?.change);
    expect(await store.changes.get(changeId)).toMatchObject({ targets: ['staging', 'prod-web'], patches: ['DSA-5601-1'], state: 'pending-approval' });
    // The digest lost its buttons on both surfaces and says what became of it.
    const closed = await opened.consoleMessages.get(digest!.id);
    expect(closed?.card?.actions).toBeUndefined();
    expect(closed?.card?.context).toMatch(new RegExp(`^Proposed as ${changeId} by alice at 14:02 UTC`));
    expect(slack.sent.find((s) => s.op === 'update' && s.id === 'ts-1')?.card.actions).toBeUndefined();
    // The approval card landed in both approvals channels; alice's acknowledgement is hers alone.
    const [card] = await opened.consoleMessages.recent('approvals', null, 10);
    expect(card?.card?.title).toBe(`${changeId}: DSA-5601-1 to staging, prod-web`);
    expect(slack.sent.filter((s) => s.channel === 'C-APP' && s.op === 'post')).toHaveLength(1);
    const ack = (await opened.consoleMessages.recent('announce', 'alice', 10)).find((m) => m.visibleTo === 'alice');
    expect(ack?.card?.title).toBe(`${changeId} proposed`);
    expect((await opened.consoleMessages.recent('announce', 'bob', 10)).some((m) => m.visibleTo)).toBe(false);
    // A second click on the same digest proposes nothing more.
    const again = await hub.handle(await interaction('dave', { channel: 'announce', kind: 'action', action: { id: 'digest.propose', value: 'scan:scan-9' } }));
    expect(again.error?.code).toBe('digest-handled');

    // Three CAB votes on the console copy; every copy shows each tally, the decision is threaded.
    for (const name of ['bob', 'carol', 'dave']) {
      await hub.handle(await interaction(name, { kind: 'action', action: { id: 'change.approve', value: changeId }, message: { surface: 'console', channel: 'approvals', id: card!.id } }));
    }
    const decided = await opened.consoleMessages.get(card!.id);
    expect(decided?.card?.actions).toBeUndefined();
    expect(decided?.card?.text).toContain('Approved by dave at 14:02 UTC (3 of 3)');
    const slackUpdates = slack.sent.filter((s) => s.op === 'update' && s.channel === 'C-APP').map((s) => s.card.text?.split('\n')[0]);
    expect(slackUpdates).toEqual([expect.stringMatching(/^1 of 3/), expect.stringMatching(/^2 of 3/), expect.stringMatching(/^3 of 3/)]);
    const thread = (await opened.consoleMessages.recent('approvals', null, 20)).filter((m) => m.threadOf === card!.id);
    expect(thread.map((m) => m.card?.title)).toEqual([`${changeId} approved`]);
    expect(slack.sent.filter((s) => s.op === 'reply').map((s) => s.card.title)).toEqual([`${changeId} approved`]);
    expect((await store.changes.get(changeId))?.state).toBe('approved');
  });

  it('keeps delivering to the other surfaces when one is down', async () => {
    const { hub } = hubWith(recordingSurface(true));
    await store.patches.upsert([{ id: 'DSA-5602-1', title: 'curl security update', severity: 'important', security: true, cves: [], rebootHint: false, firstSeen: at }]);
    const reply = await hub.handle(await interaction('alice', { channel: 'dm:alice', text: 'propose DSA-5602-1 to staging' }));
    const changeId = String(reply.data?.change);
    const approvals = await opened.consoleMessages.recent('approvals', null, 50);
    expect(approvals.at(-1)?.card?.title).toBe(`${changeId}: DSA-5602-1 to staging`);
    // The private acknowledgement went to alice's direct conversation only.
    expect((await opened.consoleMessages.recent('dm:alice', 'alice', 5)).at(-1)?.card?.title).toBe(`${changeId} proposed`);
    expect(await opened.consoleMessages.recent('dm:alice', 'bob', 5)).toEqual([]);
  });

  it('delivers nothing for a retried interaction', async () => {
    const slack = recordingSurface();
    const { hub } = hubWith(slack);
    const asked = await interaction('bob', { channel: 'announce', kind: 'question', text: 'help' });
    const before = await opened.consoleMessages.latestRevision();
    await hub.handle(asked);
    const after = await opened.consoleMessages.latestRevision();
    expect(after).toBeGreaterThan(before);
    expect(await hub.handle(asked)).toEqual({ duplicate: true });
    expect(await opened.consoleMessages.latestRevision()).toBe(after);
  });

  it('tells the people an emergency policy notifies, directly, and marks the emergency everywhere', async () => {
    const { hub } = hubWith(recordingSurface());
    const reply = await hub.handle(await interaction('alice', { channel: 'dm:alice', text: 'propose DSA-5601-1 to prod-web emergency' }));
    const changeId = String(reply.data?.change);
    expect(reply.data).toMatchObject({ class: 'emergency', policy: 'emergency' });
    for (const name of ['bob', 'carol', 'dave', 'erin']) {
      const [told] = await opened.consoleMessages.recent(`dm:${name}`, name, 5);
      expect(told?.card?.title).toBe(`🚨 EMERGENCY ${changeId} proposed by alice`);
      expect(told?.card?.text).toMatch(/flagged for post-implementation review/);
    }
    // Not the requester, not people outside the notify list.
    expect(await opened.consoleMessages.recent('dm:frank', 'frank', 5)).toEqual([]);
    expect((await opened.consoleMessages.recent('dm:alice', 'alice', 50)).some((m) => m.card?.title.includes('proposed by alice'))).toBe(false);
    const card = (await opened.consoleMessages.recent('approvals', null, 100)).find((m) => m.card?.title.startsWith(`🚨 EMERGENCY ${changeId}:`));
    expect(card).toBeDefined();
    // The console reached all four: the thread has nothing to say about it.
    expect((await opened.consoleMessages.recent('approvals', null, 100)).filter((m) => m.card?.title.startsWith('Not told directly'))).toEqual([]);
  });

  it('says in the change’s thread who an emergency notification reached on no surface', async () => {
    // Only a surface with no direct messages: nobody on the notify list can be reached.
    const slack = recordingSurface();
    const hub = createChatHub({ store, bindings: [{ surface: slack, channels: { announce: 'C-ANN', approvals: 'C-APP' } }], ...chatHandlers({ config }), log, now: () => at });
    const reply = await hub.handle(await interaction('alice', { surface: 'slack', channel: 'C-APP', text: 'propose DSA-5601-1 to prod-web emergency' }));
    const changeId = String(reply.data?.change);
    const root = slack.sent.find((s) => s.op === 'post' && s.card.title.startsWith(`🚨 EMERGENCY ${changeId}:`));
    expect(root).toBeDefined();
    const told = slack.sent.filter((s) => s.card.title.startsWith('Not told directly'));
    expect(told.map((s) => [s.op, s.channel, s.id, s.card.title])).toEqual([['reply', 'C-APP', root!.id, 'Not told directly: bob, carol, dave, erin']]);
    expect(told[0]!.card.text).toMatch(/Tell them another way/);
  });
});
