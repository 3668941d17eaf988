import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Card } from '../../src/chat/card.ts';
import { dispatch, type DispatchDeps } from '../../src/chat/dispatcher.ts';
import { chatHandlers } from '../../src/chat/handlers.ts';
import type { Interaction } from '../../src/chat/interaction.ts';
import { Config } from '../../src/config/schema.ts';
import { checked } from '../support/chat.ts';
import { type FreshStore, freshPglite } from '../support/engines.ts';
import { scanAt, syncGroupOf } from '../support/estate-scans.ts';

/**
 * `missing <version>` when the mirror replaced it on many hosts: the superseded hosts are a paged
 * list like the hosts that need it (page N is page N of each), so the Next buttons show every one
 * of them once, "+N more" counts what is really left, and the CLI's `--json` holds them all.
 */
const now = new Date('2026-11-30T12:00:00Z');
const ago = (hours: number) => new Date(now.getTime() - hours * 3600_000);
const OLD = 'deb:libbar1@1.1-1';
const NEW = 'deb:libbar1@1.2-1';
const NAMES = Array.from({ length: 22 }, (_, i) => `web-${String(i + 1).padStart(2, '0')}`);
const REPLACED = NAMES.slice(0, 20);
const STILL = NAMES.slice(20);
const { handlers, actions } = chatHandlers({ config: Config.parse({}) });

let opened: FreshStore;
beforeAll(async () => {
  opened = await freshPglite();
  const { store } = opened;
  await syncGroupOf(store, 'web', NAMES);
  const patch = (id: string) => ({ id, title: id, severity: 'important' as const, security: true, cves: [], rebootHint: false, firstSeen: ago(48) });
  await store.patches.upsert([patch(OLD), patch(NEW)]);
  const needs = (id: string) => ({ findings: [{ patchId: id, state: 'missing' as const, installed: '1.0-1' }] });
  await scanAt(store, 's1', ago(48), Object.fromEntries(NAMES.map((n) => [n, needs(OLD)])));
  // The mirror moved to 1.2-1 before 20 of them got 1.1-1; two still list 1.1-1.
  await scanAt(store, 's2', ago(2), Object.fromEntries(NAMES.map((n) => [n, needs(REPLACED.includes(n) ? NEW : OLD)])));
});
afterAll(() => opened?.store.close());

let counter = 0;
const deps = (): DispatchDeps => ({ store: opened.store, handlers, actions, now: () => now, newRef: () => 'ref00001' });
const actor = { person: null, surfaceUserId: 'U1', displayName: 'guest' };
const interaction = (over: Partial<Interaction>): Interaction => ({ id: `i-${++counter}`, surface: 'slack', channel: 'C1', actor, kind: 'command', receivedAt: now, ...over });
const ask = async (text: string, over: Partial<Interaction> = {}) => checked(await dispatch(interaction({ text, ...over }), deps()));
const click = async (value: string) =>
  checked(await dispatch(interaction({ kind: 'action', action: { id: 'answer.page', value }, message: { surface: 'slack', channel: 'C1', id: '1.1' } }), deps()));
const listed = (card: Card, heading: RegExp) => card.lists?.find((l) => heading.test(l.heading ?? ''));

describe('superseded hosts of `missing`, a page at a time', () => {
  it('the Next button walks every superseded host exactly once, with a true "+N more"', async () => {
    const first = (await ask(`missing ${OLD}`)).public!;
    expect(first.title).toBe(`${OLD} is missing on 2 hosts`);
    expect(first.fields).toEqual(expect.arrayContaining([{ label: 'Superseded', value: '20' }]));
    expect(first.lists?.[0]).toEqual({ items: STILL });
    expect(listed(first, /^Superseded/)).toEqual({
      heading: 'Superseded',
      items: REPLACED.slice(0, 15).map((n) => `${n} (by 1.2-1)`),
      more: `+5 more — next 5: \`/patch missing ${OLD} page 2\``,
    });
    expect(first.actions?.map((a) => [a.id, a.label, a.value])).toEqual([['answer.page', 'Next 5', `missing ${OLD} page 2`]]);

    const second = (await click(first.actions![0]!.value)).public!;
    // The hosts that need it ended on page 1: only the superseded list goes on, and says where it is.
    expect(second.lists).toEqual([{ heading: 'Superseded (16–20 of 20)', items: REPLACED.slice(15).map((n) => `${n} (by 1.2-1)`) }]);
    expect(second.actions).toBeUndefined();
    expect([...first.lists!.flatMap((l) => l.items), ...second.lists!.flatMap((l) => l.items)].map((i) => i.split(' ')[0])).toEqual([...STILL, ...REPLACED]);
    // Typed, the same page.
    expect((await ask(`missing ${OLD} page 2`)).public).toEqual(second);
  });

  it('the CLI gets every superseded host in its data, and its card points at the next page', async () => {
    const reply = await ask(`missing ${OLD} in web`, { surface: 'cli', kind: 'question' });
    const data = reply.data as { superseded: { host: string; by: string | null }[]; counts: { superseded: number } };
    expect(data.counts.superseded).toBe(20);
    expect(data.superseded).toEqual(REPLACED.map((host) => ({ host, by: NEW })));
    // The whole list in hand, the text names the newer version.
    expect(reply.public?.text).toContain('Also superseded by 1.2-1 on 20 hosts before it was seen installed.');
    expect(listed(reply.public!, /^Superseded/)?.more).toBe(`+5 more — next 5: \`patchbot ask "missing ${OLD} in web page 2"\`; all: \`patchbot ask "missing ${OLD} in web" --json\``);
  });
});
