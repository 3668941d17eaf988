import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPglite } from '../support/engines.ts';
import { Config } from '../../src/config/schema.ts';
import { dispatch } from '../../src/chat/dispatcher.ts';
import { chatHandlers } from '../../src/chat/handlers.ts';
import type { InteractionKind } from '../../src/chat/interaction.ts';
import type { PatchbotStore } from '../../src/patchbot-store.ts';
import { checked, consoleInteraction } from '../support/chat.ts';

/**
 * Small wording over a real store (fresh PGlite) with one host, as on the embedded defaults: one
 * is never "all 1 hosts" or "the last 1 are closed", and an advisory id three digits off is not
 * offered as "did you mean".
 */
const now = new Date('2024-05-01T12:00:00Z');
const scans: { hosts: string[]; by: string }[] = [];
// The scan port, recorded: the handler under test decides what to ask it and what to answer.
const { handlers, actions } = chatHandlers({
  config: Config.parse({}),
  startScan: async (hosts, by) => {
    scans.push({ hosts, by });
    return { scanId: `scan-${scans.length}`, created: true };
  },
});

let opened: Awaited<ReturnType<typeof freshPglite>>;
let store: PatchbotStore;
const ask = async (text: string, kind: InteractionKind = 'command') => {
  const alice = await store.people.get('alice');
  const interaction = consoleInteraction(text, now, kind, { actor: { person: alice, surfaceUserId: 'u-alice', displayName: 'alice' } });
  return checked(await dispatch(interaction, { store, handlers, actions, now: () => now, newRef: () => 'ref00001' }));
};

beforeAll(async () => {
  opened = await freshPglite();
  store = opened.store;
  await store.hosts.sync([{ name: 'localhost', address: '127.0.0.1', port: 22, user: 'root', os: 'debian', groups: ['local'], tags: {}, connection: 'local' }]);
  await store.groups.sync([{ name: 'local', production: false }]);
  await store.people.sync([{ name: 'alice', roles: ['oncall', 'admin'] }]);
  await store.patches.upsert([{ id: 'KB5040099', title: 'update', severity: 'important', security: true, cves: [], rebootHint: false, firstSeen: now }]);
  await store.scans.start('scan-0', 'test', ['localhost'], now);
  await store.scans.recordHost({ scanId: 'scan-0', host: 'localhost', outcome: 'ok', startedAt: now, finishedAt: now, rebootRequired: false });
  await store.findings.record('scan-0', 'localhost', [{ patchId: 'KB5040099', state: 'missing' }], now);
});
afterAll(async () => opened?.store.close());

describe('answer wording', () => {
  it('scans "the only host", not "all 1 hosts"', async () => {
    const reply = await ask('scan all');
    expect(reply.public?.title).toBe('Scanning the only host, localhost');
    expect(scans.at(-1)).toEqual({ hosts: ['localhost'], by: 'alice' });
  });

  it('says "the last one is closed" of a single closed change', async () => {
    const proposed = await ask('propose KB5040099 to local');
    const id = String(proposed.data?.change);
    const change = await store.changes.get(id);
    expect(await store.changes.setState(id, change!.state, 'cancelled', now)).toBe(true);
    expect((await ask('changes')).public?.text).toBe('No open changes; the last one is closed.');
  });

  it('offers an advisory id one slip away, never one three digits off', async () => {
    expect((await ask('missing KB5040098')).private?.text).toBe('No scan has reported patch KB5040098 in the last 90 days. Did you mean KB5040099?');
    expect((await ask('missing KB5040909')).error?.suggestions).toEqual(['KB5040099']);
    const far = await ask('missing KB5099999');
    expect(far.error?.suggestions ?? []).toEqual([]);
    expect(far.private?.text).toBe('No scan has reported patch KB5099999 in the last 90 days. `pending` lists the patches scans have found missing.');
  });

  it('takes a host name typed in capitals when it is the only match', async () => {
    expect((await ask('status LOCALHOST')).public?.title).toBe('localhost: 1 missing patch');
  });
});
