import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPglite } from '../support/engines.ts';
import { Config } from '../../src/config/schema.ts';
import { dispatch } from '../../src/chat/dispatcher.ts';
import { chatHandlers } from '../../src/chat/handlers.ts';
import { checked, consoleInteraction } from '../support/chat.ts';

/**
 * The `compliance` card over a real store (fresh PGlite): 20 hosts with a critical patch missing
 * for 60 days (overdue under PCI), 20 never scanned (unknown), 1 empty group. Each kind is its own
 * list, and its "+N more" counts hosts, whatever the other lists hold.
 */
const now = new Date('2024-05-01T12:00:00Z');
const ago = (hours: number) => new Date(now.getTime() - hours * 3600_000);
const { handlers, actions } = chatHandlers({ config: Config.parse({}) });
const name = (i: number) => `pci-${String(i).padStart(2, '0')}`;

let opened: Awaited<ReturnType<typeof freshPglite>>;
const ask = async (text: string) => checked(await dispatch(consoleInteraction(text, now, 'command'), { store: opened.store, handlers, actions, now: () => now, newRef: () => 'ref00001' }));

beforeAll(async () => {
  opened = await freshPglite();
  const { store } = opened;
  const names = Array.from({ length: 40 }, (_, i) => name(i + 1));
  await store.hosts.sync(names.map((n) => ({ name: n, address: '10.0.0.1', port: 22, user: 'root', os: 'debian' as const, groups: ['card'], tags: {}, connection: 'ssh' as const })));
  await store.groups.sync([
    { name: 'card', production: true },
    { name: 'empty', production: false },
  ]);
  await store.patches.upsert([{ id: 'DSA-5600-1', title: 'openssl', severity: 'critical', security: true, cves: [], rebootHint: false, firstSeen: ago(60 * 24) }]);
  const scanned = names.slice(0, 20);
  await store.scans.start('scan-1', 'test', scanned, ago(1));
  for (const host of scanned) {
    await store.scans.recordHost({ scanId: 'scan-1', host, outcome: 'ok', startedAt: ago(1), finishedAt: ago(1), rebootRequired: false });
    await store.findings.record('scan-1', host, [{ patchId: 'DSA-5600-1', state: 'missing' }], ago(1));
  }
  await store.scans.finish('scan-1', ago(1));
});
afterAll(async () => opened?.store.close());

describe('compliance card', () => {
  it('pages each kind of host on its own list with its true count, and puts the data age in the footer', async () => {
    const reply = await ask('compliance pci');
    const card = reply.public!;
    expect(card.title).toBe('Compliance: PCI DSS');
    expect(card.text).toMatch(/^PCI DSS: 0 of 40 hosts compliant; 20 overdue \(oldest: DSA-5600-1 on pci-01, \d+ days late\); 20 unknown \(pci-21 never scanned, \+19 more\)\n/);
    const hint = 'next 5: `/patch compliance pci page 2`';
    expect(card.lists?.map((l) => [l.heading, l.items.length, l.more])).toEqual([
      ['Groups', 2, undefined],
      ['Overdue', 15, `+5 more — ${hint}`],
      ['Unknown', 15, `+5 more — ${hint}`],
    ]);
    expect(card.actions).toEqual([{ id: 'answer.page', label: 'Next 5', style: 'default', value: 'compliance pci page 2' }]);
    // Page 2 is page 2 of each list that goes on: the rest of the hosts, each once; the groups have ended.
    const next = (await ask('compliance pci page 2')).public!;
    expect(next.lists?.map((l) => [l.heading, l.items.length, l.more])).toEqual([
      ['Overdue (16–20 of 20)', 5, undefined],
      ['Unknown (16–20 of 20)', 5, undefined],
    ]);
    const overdue = [...card.lists![1]!.items, ...next.lists![0]!.items].map((line) => line.split(':')[0]);
    expect(new Set(overdue).size).toBe(20);
    expect(next.actions).toBeUndefined();
    expect((await ask('compliance pci page 3')).public?.lists).toEqual([
      { heading: 'Overdue', items: [], more: 'Page 3 is past the end: the list has 20, 2 pages of 15; the last is `/patch compliance pci page 2`.' },
    ]);
    expect(card.lists?.[0]?.items).toEqual(['card: 0 of 40 hosts compliant; 20 overdue; 20 unknown', 'empty: no hosts']);
    expect(card.lists?.[2]?.items[0]).toBe('pci-21: never scanned');
    expect(card.context).toBe('From scans 1 h ago; 20 never scanned.');
    expect(reply.data?.counts).toEqual({ overdue: 20, unknown: 20, atRisk: 0, groups: 2 });
  });

  it('names the group in the hint, and says when the group has no hosts', async () => {
    const card = (await ask('compliance pci card')).public!;
    expect(card.lists?.map((l) => l.heading)).toEqual(['Overdue', 'Unknown']);
    expect(card.lists?.[0]?.more).toBe('+5 more — next 5: `/patch compliance pci card page 2`');
    const empty = (await ask('compliance empty')).public!;
    expect(empty).toMatchObject({ title: 'Compliance: SLA (empty)', context: 'no hosts in empty' });
    expect(empty.lists).toBeUndefined();
  });
});
