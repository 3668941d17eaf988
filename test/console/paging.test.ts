import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PatchbotStore } from '../../src/patchbot-store.ts';
import { scanAt } from '../support/estate-scans.ts';
import { type ConsoleService, type Estate, startConsoleService } from './support/console-service.ts';
import { call } from './support/http.ts';

/**
 * A long answer in the console, a page at a time, through the JSON API of the real service:
 * 40 hosts miss a patch. The card's Next button (its value read from the stored card, never the
 * request) posts the next page in the channel for whoever clicks, a viewer included; the pages name
 * every host once; a retried click is dropped.
 */
const NAMES = Array.from({ length: 40 }, (_, i) => `node-${String(i + 1).padStart(3, '0')}`);
const PATCH = 'KB5034441';
const estate: Estate = {
  yaml: `
inventory:
  hosts:
${NAMES.map((n) => `    - { name: ${n}, address: 127.0.0.1, port: 1, os: debian, groups: [farm] }`).join('\n')}
  groups:
    - { name: farm }
`,
  seed: async (store: PatchbotStore) => {
    const at = new Date(Date.now() - 10 * 60_000);
    await store.patches.upsert([{ id: PATCH, title: 'Windows Recovery Environment update', severity: 'important', security: true, cves: [], rebootHint: false, firstSeen: at }]);
    await scanAt(store, 'scan-seed', at, Object.fromEntries(NAMES.map((n) => [n, { findings: [{ patchId: PATCH, state: 'missing' as const }] }])));
  },
};

let svc: ConsoleService;
beforeAll(async () => {
  svc = await startConsoleService({ estate });
});
afterAll(async () => svc?.stop());

type Message = { id: string; author: string; card: { title: string; lists?: { heading?: string; items: string[]; more?: string }[]; actions?: { id: string; value: string }[] } | null };
const post = (path: string, body: unknown) => call(svc.url, 'POST', path, body);
const answers = async (as: string) =>
  ((await call(svc.url, 'GET', `/channels/announce/messages?as=${as}`)).body.messages as Message[]).filter((m) => m.author === 'patchbot' && m.card?.title.includes(PATCH));

describe('console: a long list, a page at a time', () => {
  it('pages through every host once by the card’s Next button, for a viewer too', async () => {
    const asked = await post('/messages', { channel: 'announce', as: 'alice', text: `/patch missing ${PATCH} in farm` });
    expect(asked.body).toMatchObject({ ok: true, intent: 'missing' });
    const [first] = await answers('alice');
    expect(first?.card?.lists?.[0]?.more).toBe(`+25 more — next 15: \`/patch missing ${PATCH} in farm page 2\``);
    expect(first?.card?.actions).toEqual([{ id: 'answer.page', label: 'Next 15', style: 'default', value: `missing ${PATCH} in farm page 2` }]);

    // The value comes from the stored card: a value in the request is not read.
    const clicked = await post('/actions', { id: 'next-1', messageId: first!.id, actionId: 'answer.page', as: 'erin', value: 'scan farm page 2' });
    expect(clicked.body).toMatchObject({ ok: true, intent: 'missing' });
    const again = await post('/actions', { id: 'next-1', messageId: first!.id, actionId: 'answer.page', as: 'erin' });
    expect(again.body).toMatchObject({ ok: true, duplicate: true });
    const second = (await answers('erin'))[1]!;
    expect(second.card?.lists?.[0]).toMatchObject({ heading: '16–30 of 40', more: `+10 more — next 10: \`/patch missing ${PATCH} in farm page 3\`` });

    await post('/actions', { messageId: second.id, actionId: 'answer.page', as: 'bob' });
    const pages = await answers('bob');
    expect(pages).toHaveLength(3);
    expect(pages[2]?.card?.actions).toBeUndefined();
    expect(pages.flatMap((m) => m.card?.lists?.[0]?.items ?? [])).toEqual(NAMES);
    // No scan was started by the value the request carried.
    expect(await svc.store.scans.results('scan-seed')).toHaveLength(40);
    expect((await svc.store.scans.latestPerHost()).every((s) => s.scanId === 'scan-seed')).toBe(true);
  });
});
