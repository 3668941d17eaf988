import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleSurface } from '../../adapters/console/console-surface.ts';
import { announceScan } from '../../src/chat/announce/announce-scan.ts';
import { createChatHub, type ChatHub } from '../../src/chat/chat-hub.ts';
import { chatHandlers } from '../../src/chat/handlers.ts';
import type { Interaction } from '../../src/chat/interaction.ts';
import { Config } from '../../src/config/schema.ts';
import type { PatchbotStore } from '../../src/patchbot-store.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { freshPglite } from '../support/engines.ts';
import { seedEstate } from '../support/seed.ts';

/**
 * The digest's window choice through the hub, over a real store: a pick the policy forbids (a
 * stale card, a forged click) is refused with the reason and leaves the digest open; an unknown
 * window is refused with the closest names; a named window proposes in it and the card says when
 * it next opens.
 */
const config = Config.parse({
  windows: { weeknights: { cron: '0 22 * * 1-5', duration: '4h' }, weekend: { cron: '0 2 * * 6', duration: '6h' } },
  approval: {
    normal: { approvers: ['role:oncall'], required: 1 },
    production: { voters: ['role:cab'], quorum: 3, rejectWins: true, allowNow: false },
    emergency: { approvers: ['role:oncall'], required: 1 },
    standard: { required: 0 },
  },
});
const at = new Date('2024-05-01T14:02:00Z'); // a Wednesday
let opened: Awaited<ReturnType<typeof freshPglite>>;
let store: PatchbotStore;
let hub: ChatHub;
let digestId = '';
let counter = 0;

const click = async (name: string, choice?: string): Promise<Interaction> => ({
  id: `d-${++counter}`,
  surface: 'console',
  channel: 'announce',
  actor: { person: await store.people.get(name), surfaceUserId: name, displayName: name },
  kind: 'action',
  action: { id: 'digest.propose', value: 'scan:scan-7', ...(choice ? { choice } : {}) },
  message: { surface: 'console', channel: 'announce', id: digestId },
  receivedAt: at,
});

beforeAll(async () => {
  opened = await freshPglite();
  store = opened.store;
  await seedEstate(store);
  await store.hosts.sync([{ name: 'web-01', address: '10.0.0.1', port: 22, user: 'root', os: 'debian', groups: ['prod-web'], tags: {}, connection: 'ssh' }]);
  await store.scans.start('scan-7', 'schedule', ['web-01'], at);
  await store.patches.upsert([{ id: 'DSA-5601-1', title: 'openssl security update', severity: 'critical', security: true, cves: [], rebootHint: false, firstSeen: at }], 'scan-7');
  await store.findings.record('scan-7', 'web-01', [{ patchId: 'DSA-5601-1', state: 'missing' }], at);
  const surface = createConsoleSurface({ store: { chatThreads: store.chatThreads, consoleMessages: opened.consoleMessages }, now: () => at });
  hub = createChatHub({
    store,
    bindings: [{ surface, channels: { announce: 'announce', approvals: 'approvals' } }],
    ...chatHandlers({ config }),
    log: createLogger({ level: 'silent' }),
    now: () => at,
  });
  await announceScan(hub, store, 'scan-7', { schedule: config, approval: config.approval, now: at });
  digestId = (await opened.consoleMessages.recent('announce', null, 10))[0]!.id;
});
afterAll(async () => opened?.store.close());

describe('the digest window choice', () => {
  it('offers the windows with their next openings, and no `now` for production under allowNow: false', async () => {
    const digest = await opened.consoleMessages.get(digestId);
    expect(digest?.card?.actions?.[0]?.choices).toEqual([
      { label: 'weeknights — opens Wed 1 May 2024 22:00 UTC', value: 'weeknights' },
      { label: 'weekend — opens Sat 4 May 2024 02:00 UTC', value: 'weekend' },
    ]);
  });

  it('refuses a `now` pick the policy forbids with the reason, and leaves the digest open', async () => {
    const refused = await hub.handle(await click('alice', 'now'));
    expect(refused.error).toMatchObject({ code: 'now-not-allowed' });
    expect(refused.private?.text).toMatch(/An immediate start is not allowed for prod-web: policy production sets allowNow: false/);
    expect(await store.changes.list({ limit: 10 })).toEqual([]);
    const unknown = await hub.handle(await click('alice', 'weeknight'));
    expect(unknown.private?.text).toMatch(/No maintenance window named `weeknight`\. Did you mean `weeknights`/);
    expect((await opened.consoleMessages.get(digestId))?.card?.actions).toHaveLength(2);
  });

  it('proposes in the window picked, and the card says when it next opens', async () => {
    const proposed = await hub.handle(await click('alice', 'weekend'));
    expect(proposed.error).toBeUndefined();
    const change = await store.changes.get(String(proposed.data?.change));
    expect(change).toMatchObject({ window: 'weekend', targets: ['prod-web'], class: 'normal' });
    const [card] = await opened.consoleMessages.recent('approvals', null, 10);
    expect(card?.card?.fields).toContainEqual({ label: 'When', value: 'window weekend: next opens Sat 4 May 2024 02:00 UTC for 6h' });
  });
});
