import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch, type DispatchDeps } from '../../src/chat/dispatcher.ts';
import { chatHandlers } from '../../src/chat/handlers.ts';
import type { Interaction } from '../../src/chat/interaction.ts';
import { Config } from '../../src/config/schema.ts';
import { checked } from '../support/chat.ts';
import { type FreshStore, freshPglite } from '../support/engines.ts';
import { estateHost, scanAt } from '../support/estate-scans.ts';

/**
 * "fleet", "estate", "general" usually mean every host in a question ("what's pending across the
 * fleet?"), but a group or host may have that name: then it is the scope, through the dispatcher
 * over a real store. A word no group or host has keeps meaning every host.
 */
const now = new Date('2026-11-30T12:00:00Z');
const { handlers, actions } = chatHandlers({ config: Config.parse({}) });
const FLEET = Array.from({ length: 17 }, (_, i) => `fleet-${String(i + 1).padStart(2, '0')}`);
const OTHERS = ['web-01', 'web-02'];

let opened: FreshStore;
beforeAll(async () => {
  opened = await freshPglite();
  const { store } = opened;
  await store.hosts.sync([...FLEET.map((n) => estateHost(n, 'fleet')), ...OTHERS.map((n) => estateHost(n, 'web')), estateHost('general', 'web')]);
  await store.groups.sync([
    { name: 'fleet', production: false },
    { name: 'web', production: false },
  ]);
  // Each fleet host misses its own patch (17 patches: two pages); the web hosts miss KB1.
  const ids = FLEET.map((_, i) => `KB50000${String(i).padStart(2, '0')}`);
  await store.patches.upsert([...ids, 'KB5099999'].map((id) => ({ id, title: id, severity: 'important' as const, security: true, cves: [], rebootHint: false, firstSeen: now })));
  await scanAt(store, 's1', new Date(now.getTime() - 600_000), {
    ...Object.fromEntries(FLEET.map((n, i) => [n, { findings: [{ patchId: ids[i]!, state: 'missing' as const }], reboot: i === 0 }])),
    ...Object.fromEntries([...OTHERS, 'general'].map((n) => [n, { findings: [{ patchId: 'KB5099999', state: 'missing' as const }], reboot: true }])),
  });
});
afterAll(() => opened?.store.close());

let counter = 0;
const deps = (): DispatchDeps => ({ store: opened.store, handlers, actions, now: () => now, newRef: () => 'ref00001' });
const actor = { person: null, surfaceUserId: 'U1', displayName: 'guest' };
const interaction = (text: string): Interaction => ({ id: `i-${++counter}`, surface: 'slack', channel: 'C1', actor, kind: 'question', text, receivedAt: now });
const ask = async (text: string) => checked(await dispatch(interaction(text), deps()));

describe('a filler word that is also a name', () => {
  it('a group named fleet is the scope of "pending in the fleet", and of its next page', async () => {
    const reply = await ask("what's pending in the fleet?");
    expect(reply.intent).toEqual({ kind: 'pending', target: 'fleet' });
    expect(reply.public?.title).toBe('17 patches pending on 17 hosts in fleet');
    expect(reply.public?.actions?.map((a) => a.value)).toEqual(['pending fleet page 2']);
    expect((await ask('which patches are pending across the fleet page 2')).intent).toEqual({ kind: 'pending', target: 'fleet', page: 2 });
    expect((await ask('which hosts in the Fleet need a reboot')).public?.title).toBe('1 host needs a reboot in fleet');
    expect((await ask('is the fleet compliant?')).intent).toEqual({ kind: 'compliance', standard: null, target: 'fleet' });
  });

  it('a host named general is the scope of "… in general"', async () => {
    const reply = await ask('which servers are missing KB5099999 in general');
    expect(reply.intent).toEqual({ kind: 'missing', patch: 'KB5099999', target: 'general' });
    expect(reply.public?.title).toBe('KB5099999 is missing on 1 host in general');
  });

  it('a word no group or host has still means every host', async () => {
    const reply = await ask("what's pending across the estate?");
    expect(reply.intent).toEqual({ kind: 'pending', target: null });
    expect(reply.public?.title).toBe('18 patches pending on 20 hosts');
    expect((await ask('who needs a reboot in total')).public?.title).toBe('4 hosts need a reboot');
  });

  it('never puts a filler word in place of a scope that was named', async () => {
    expect((await ask('which web hosts across the fleet need a reboot')).intent).toEqual({ kind: 'reboots', target: 'web' });
  });
});
