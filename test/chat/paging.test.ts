import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Card } from '../../src/chat/card.ts';
import { dispatch, type DispatchDeps } from '../../src/chat/dispatcher.ts';
import { chatHandlers } from '../../src/chat/handlers.ts';
import type { Interaction } from '../../src/chat/interaction.ts';
import type { Reply } from '../../src/chat/reply.ts';
import { proposeChange } from '../../src/changes/propose-change.ts';
import { Config } from '../../src/config/schema.ts';
import { checked } from '../support/chat.ts';
import { freshPglite } from '../support/engines.ts';
import { estateHost, scanAt } from '../support/estate-scans.ts';

/**
 * Long answers a page at a time, through the dispatcher over a real store: 40 hosts missing 20
 * patches, 37 of them waiting for a reboot. Following the Next buttons (or typing `… page N`)
 * lists every host exactly once with true counts; a page past the end says so; a bad page number
 * is refused; a button carrying anything but a page of an answer does nothing.
 */
const now = new Date('2024-05-01T12:00:00Z');
const { handlers, actions } = chatHandlers({ config: Config.parse({}) });
const NAMES = Array.from({ length: 40 }, (_, i) => `node-${String(i + 1).padStart(3, '0')}`);
const IDS = Array.from({ length: 20 }, (_, i) => `KB50344${String(i).padStart(2, '0')}`);
const PATCH = IDS[0]!;

let opened: Awaited<ReturnType<typeof freshPglite>>;
beforeAll(async () => {
  opened = await freshPglite();
  const { store } = opened;
  await store.people.sync([
    { name: 'alice', roles: ['oncall'] },
    { name: 'vera', roles: ['viewer'] },
  ]);
  await store.hosts.sync(NAMES.map((n) => estateHost(n, 'farm')));
  await store.groups.sync([{ name: 'farm', production: false }]);
  await store.patches.upsert(IDS.map((id, i) => ({ id, title: `update ${id}`, severity: i < 5 ? 'critical' : 'important', security: true, cves: [], rebootHint: false, firstSeen: now })));
  const findings = IDS.map((patchId) => ({ patchId, state: 'missing' as const }));
  await scanAt(store, 'scan-1', new Date(now.getTime() - 30 * 60_000), Object.fromEntries(NAMES.map((n, i) => [n, { findings, reboot: i < 37 }])));
});
afterAll(async () => opened?.store.close());

let counter = 0;
const deps = (): DispatchDeps => ({ store: opened.store, handlers, actions, now: () => now, newRef: () => 'ref00001' });
const stranger = { person: null, surfaceUserId: 'U0GUEST', displayName: 'guest' };
const interaction = (over: Partial<Interaction>): Interaction => ({ id: `i-${++counter}`, surface: 'slack', channel: 'C1', actor: stranger, kind: 'command', receivedAt: now, ...over });
const ask = async (text: string, over: Partial<Interaction> = {}) => checked(await dispatch(interaction({ text, ...over }), deps()));
const click = async (value: string, over: Partial<Interaction> = {}) =>
  checked(await dispatch(interaction({ kind: 'action', action: { id: 'answer.page', value }, message: { surface: 'slack', channel: 'C1', id: '1.1' }, ...over }), deps()));

/** Every page of an answer, clicking its Next button until there is none. */
const follow = async (first: Reply): Promise<Card[]> => {
  const cards = [first.public!];
  for (let next = cards[0]!.actions?.[0]; next; next = cards.at(-1)!.actions?.[0]) {
    expect(next.id).toBe('answer.page');
    cards.push((await click(next.value)).public!);
    expect(cards.length).toBeLessThan(10);
  }
  return cards;
};
const itemsOf = (cards: Card[]) => cards.map((c) => c.lists?.[0]?.items ?? []);
const host = (line: string) => line.split(' ')[0]!;

describe('paged answers', () => {
  it('missing: the Next buttons walk every host exactly once, each page counting what is left', async () => {
    const cards = await follow(await ask(`missing ${PATCH}`));
    expect(itemsOf(cards).map((items) => items.length)).toEqual([15, 15, 10]);
    expect(itemsOf(cards).flat()).toEqual(NAMES);
    expect(cards.map((c) => [c.lists?.[0]?.heading, c.lists?.[0]?.more])).toEqual([
      [undefined, `+25 more — next 15: \`/patch missing ${PATCH} page 2\``],
      ['16–30 of 40', `+10 more — next 10: \`/patch missing ${PATCH} page 3\``],
      ['31–40 of 40', undefined],
    ]);
    expect(cards.map((c) => c.actions?.map((a) => [a.label, a.value]))).toEqual([[['Next 15', `missing ${PATCH} page 2`]], [['Next 10', `missing ${PATCH} page 3`]], undefined]);
    // Every page tells the whole truth in its title and fields.
    for (const card of cards) expect(card.title).toBe(`${PATCH} is missing on 40 hosts`);
    // A typed page is the same answer as the clicked one.
    expect((await ask(`missing ${PATCH} page 2`)).public).toEqual(cards[1]);
    expect((await ask(`which servers are missing ${PATCH} page 3?`, { kind: 'question' })).public).toEqual(cards[2]);
  });

  it('reboots, pending and status page the same way, from the store', async () => {
    const reboots = await follow(await ask('reboots farm'));
    expect(itemsOf(reboots).flat().map(host)).toEqual(NAMES.slice(0, 37));
    expect(reboots.map((c) => c.title)).toEqual(Array(3).fill('37 hosts need a reboot in farm'));
    const pending = await follow(await ask('what is pending in farm?', { kind: 'question' }));
    const ids = itemsOf(pending).flat().map(host);
    expect(ids.map((l) => l)).toHaveLength(20);
    expect([...ids].sort()).toEqual(IDS);
    // Most urgent first across pages: the five critical patches open page 1.
    expect(ids.slice(0, 5).every((id) => IDS.slice(0, 5).includes(id))).toBe(true);
    expect(pending.map((c) => c.actions?.[0]?.value)).toEqual(['pending farm page 2', undefined]);
    const status = await follow(await ask('status node-007'));
    expect([...itemsOf(status).flat().map(host)].sort()).toEqual(IDS);
    expect(status.map((c) => c.lists?.[0]?.items.length)).toEqual([15, 5]);
  });

  it('says a page past the end is past the end, and which page is the last', async () => {
    const past = (await ask(`missing ${PATCH} page 4`)).public!;
    expect(past.title).toBe(`${PATCH} is missing on 40 hosts`);
    expect(past.lists).toEqual([{ items: [], more: `Page 4 is past the end: the list has 40, 3 pages of 15; the last is \`/patch missing ${PATCH} page 3\`.` }]);
    expect(past.actions).toBeUndefined();
  });

  it.each([
    ['pending page 0', 'Pages count from 1: `page 1` is the first.'],
    ['pending farm page two', '`two` is not a page number: pages are 1, 2, 3…'],
    ['reboots page 10001', 'Page 10001 is beyond any list: pages go up to 10,000.'],
    ['who needs a reboot page 1.5', '`1.5` is not a page number: pages are 1, 2, 3…'],
  ])('refuses %s with a specific error, answering nothing in public', async (text, message) => {
    const reply = await ask(text, { kind: 'question' });
    expect(reply.public).toBeUndefined();
    expect(reply.error?.message ?? '').toContain(message);
  });

  it('asks for the next page in the words of each surface; the CLI also gets the whole list', async () => {
    const teams = (await ask(`missing ${PATCH}`, { surface: 'teams' })).public!;
    expect(teams.lists?.[0]?.more).toBe(`+25 more — next 15: \`@patchbot missing ${PATCH} page 2\``);
    const cli = await ask(`missing ${PATCH} page 2`, { surface: 'cli' });
    expect(cli.public?.lists?.[0]?.items).toEqual(NAMES.slice(15, 30));
    expect(cli.public?.lists?.[0]?.more).toBe(`+10 more — next 10: \`patchbot ask "missing ${PATCH} page 3"\`; all: \`patchbot ask "missing ${PATCH}" --json\``);
    expect(cli.public?.actions).toBeUndefined();
    expect((cli.data?.missing as { host: string }[]).map((m) => m.host)).toEqual(NAMES);
  });

  it('answers a click as whoever clicked asks: a viewer and a stranger get the same page', async () => {
    const vera = await opened.store.people.get('vera');
    const asViewer = await click(`missing ${PATCH} page 2`, { actor: { person: vera, surfaceUserId: 'U0VERA', displayName: 'vera' } });
    const asStranger = await click(`missing ${PATCH} page 2`);
    expect(asViewer.public).toEqual(asStranger.public);
    expect(asViewer.intent).toMatchObject({ kind: 'missing', page: 2 });
  });

  it.each([`approve CHG-1 page 2`, 'scan farm page 2', `missing ${PATCH} page 0`, 'help page 2', `missing ${PATCH}`, ''])(
    'refuses a hand-made click carrying "%s" and changes nothing',
    async (value) => {
      const alice = await opened.store.people.get('alice');
      const reply = await click(value, { actor: { person: alice, surfaceUserId: 'U0ALICE', displayName: 'alice' } });
      expect(reply.public).toBeUndefined();
      expect(reply.error?.code).toBe('not-a-page');
      expect(reply.error?.message).toMatch(/which is no page of an answer: nothing was done/);
      expect(await opened.store.changes.list()).toEqual([]);
    },
  );

  it('drops a replayed click: the same interaction is answered once', async () => {
    const replayed = interaction({ kind: 'action', action: { id: 'answer.page', value: `missing ${PATCH} page 2` } });
    expect((await dispatch(replayed, deps())).public?.lists?.[0]?.items).toEqual(NAMES.slice(15, 30));
    expect(await dispatch(replayed, deps())).toEqual({ duplicate: true });
  });

  it('changes: the open changes a page at a time (of the recent ones it reads)', async () => {
    for (let i = 0; i < 17; i += 1)
      await proposeChange(
        opened.store,
        { approval: Config.parse({}).approval, windows: ['weeknights'] },
        { patches: [IDS[i]!], targets: ['farm'], window: 'weeknights', class: 'normal', requester: 'alice', now },
      );
    const cards = await follow(await ask('changes'));
    const ids = itemsOf(cards)
      .flat()
      .map((line) => /CHG-\d+/.exec(line)![0]);
    expect(ids).toHaveLength(17);
    expect(new Set(ids).size).toBe(17);
    expect(cards.map((c) => c.lists?.[0]?.more)).toEqual(['+2 more — next 2: `/patch changes page 2`', undefined]);
  });
});
