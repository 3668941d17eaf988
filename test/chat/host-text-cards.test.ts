import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleSurface } from '../../adapters/console/console-surface.ts';
import { withoutCodeMarks } from '../../adapters/teams/card-markdown.ts';
import { announceScan } from '../../src/chat/announce/announce-scan.ts';
import type { Card } from '../../src/chat/card.ts';
import { createChatHub, type ChatHub } from '../../src/chat/chat-hub.ts';
import { chatHandlers } from '../../src/chat/handlers.ts';
import type { Interaction } from '../../src/chat/interaction.ts';
import type { Reply } from '../../src/chat/reply.ts';
import { proposeChange } from '../../src/changes/propose-change.ts';
import { Config } from '../../src/config/schema.ts';
import type { PatchbotStore } from '../../src/patchbot-store.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { cardsOf } from '../support/chat.ts';
import { freshPglite } from '../support/engines.ts';
import { seedEstate } from '../support/seed.ts';

/**
 * What people and hosts typed reaches every surface's cards as written (src/shared/host-text.ts):
 * people's names (in the config, a chat profile), change titles, a host's OS name and its scan's
 * warnings, each with a pair of backticks that a surface would otherwise take for patchbot's code
 * mark. Teams drops code marks (withoutCodeMarks, its own rendering), so an unescaped pair loses
 * its backticks there: each card is read as Teams shows it. The real handlers, hub and store.
 */
const REQUESTER = 'al `ops` ice';
const VOTER = 'bo `cab` b';
const STRANGER = 'Uma `guest`';
const TITLE = 'KB5034441 to staging (`monthly`)';
const OS_NAME = 'Debian GNU/Linux 12 `bookworm`';
const WARNING = 'whether a reboot is pending is unknown: `needrestart` is not installed';

const config = Config.parse({
  windows: { weeknights: { cron: '0 22 * * 1-5', duration: '4h' } },
  approval: {
    normal: { approvers: ['role:oncall'], required: 1 },
    production: { voters: ['role:cab'], quorum: 3, rejectWins: true },
    emergency: { approvers: ['role:oncall'], required: 1 },
    standard: { required: 0 },
  },
});
const at = new Date('2024-05-01T14:02:00Z');
const scans: string[] = [];
let opened: Awaited<ReturnType<typeof freshPglite>>;
let store: PatchbotStore;
let hub: ChatHub;
let counter = 0;

/** A card's strings as Teams shows them: code marks dropped, host text's backticks as written. */
const inTeams = (card: Card | undefined): string => {
  if (!card) return '';
  const parts = [
    card.title,
    card.text,
    card.context,
    ...(card.fields ?? []).map((f) => f.value),
    ...(card.lists ?? []).flatMap((l) => l.items),
    ...(card.sections ?? []).flatMap((s) => [s.text, ...(s.fields ?? []).map((f) => f.value), ...(s.lists ?? []).flatMap((l) => l.items)]),
  ];
  return parts
    .filter((p): p is string => typeof p === 'string')
    .map(withoutCodeMarks)
    .join('\n');
};
const shown = (reply: Reply): string => cardsOf(reply).map(inTeams).join('\n');

const as = async (name: string | null, over: Partial<Interaction>): Promise<Reply> =>
  hub.handle({
    id: `h-${++counter}`,
    surface: 'console',
    channel: 'approvals',
    actor: { person: name ? await store.people.get(name) : null, surfaceUserId: `u-${counter}`, displayName: name ?? STRANGER },
    kind: 'command',
    receivedAt: at,
    ...over,
  });
const say = (name: string | null, text: string) => as(name, { text });

beforeAll(async () => {
  opened = await freshPglite();
  store = opened.store;
  await seedEstate(store);
  await store.people.sync([...(await store.people.list()), { name: REQUESTER, roles: ['oncall', 'admin'] }, { name: VOTER, roles: ['cab', 'oncall'] }]);
  // A digest of one patch on web-01; stg-01's scan names its OS and cannot tell about the reboot.
  await store.scans.start('scan-7', 'schedule', ['web-01', 'stg-01'], at);
  await store.patches.upsert([{ id: 'DSA-5601-1', title: 'openssl security update', severity: 'critical', security: true, cves: [], rebootHint: false, firstSeen: at }], 'scan-7');
  await store.findings.record('scan-7', 'web-01', [{ patchId: 'DSA-5601-1', state: 'missing' }], at);
  await store.findings.record('scan-7', 'stg-01', [{ patchId: 'KB5034441', state: 'missing' }], at);
  await store.scans.recordHost({ scanId: 'scan-7', host: 'web-01', outcome: 'ok', startedAt: at, finishedAt: at, rebootRequired: false });
  await store.scans.recordHost({ scanId: 'scan-7', host: 'stg-01', outcome: 'ok', startedAt: at, finishedAt: at, rebootRequired: null, osName: OS_NAME, warnings: [WARNING] });
  const surface = createConsoleSurface({ store: { chatThreads: store.chatThreads, consoleMessages: opened.consoleMessages }, now: () => at });
  hub = createChatHub({
    store,
    bindings: [{ surface, channels: { announce: 'announce', approvals: 'approvals' } }],
    ...chatHandlers({
      config,
      // The scan port, recorded: what the handler says of who asked is under test, not the scan.
      startScan: async (_hosts, by) => {
        scans.push(by);
        return { scanId: `scan-${8 + scans.length}`, created: true };
      },
    }),
    log: createLogger({ level: 'silent' }),
    now: () => at,
  });
  await announceScan(hub, store, 'scan-7', { schedule: config, approval: config.approval, now: at });
});
afterAll(async () => opened?.store.close());

describe("people's names, change titles, OS names and warnings in cards", () => {
  it('names the requester and the voter as written: proposal, card, When, vote, decision, cancel', async () => {
    const proposed = await say(REQUESTER, 'propose KB5034441 to staging at now');
    const id = String(proposed.data?.change);
    const card = proposed.broadcast?.find((p) => p.channel === 'approvals')?.card;
    const field = (label: string) => withoutCodeMarks(card?.fields?.find((f) => f.label === label)?.value ?? '');
    expect(field('Requested by')).toBe(REQUESTER);
    expect(field('When')).toContain(`Immediate start requested by ${REQUESTER}`);

    const voted = await say(VOTER, `approve ${id} looks \`fine\``);
    expect(voted.error).toBeUndefined();
    const decided = shown(voted);
    expect(decided).toContain(`1 of 1 on-call approval: ${VOTER}`);
    expect(decided).toContain(`Approved by ${VOTER} at 14:02 UTC`);
    expect(decided).toContain(`${VOTER} (approve): looks \`fine\``);

    const cancelled = await say(REQUESTER, `cancel ${id}`);
    expect(cancelled.error).toBeUndefined();
    expect(inTeams(cancelled.broadcast?.[0]?.card)).toMatch(new RegExp(`^${id}: cancelled by al \`ops\` ice\n`));
    expect(shown(cancelled)).toContain(`${id} cancelled by ${REQUESTER}: no further host starts`);
  });

  it('names who paused and resumed a running change as written', async () => {
    const id = String((await say(REQUESTER, 'propose KB5034441 to staging at weeknights')).data?.change);
    expect((await say(VOTER, `approve ${id}`)).error).toBeUndefined();
    // Started by the orchestrator, which is not under test here.
    expect(await store.changes.setState(id, 'approved', 'running', at)).toBe(true);
    const paused = await say(REQUESTER, `pause ${id}`);
    expect(paused.error).toBeUndefined();
    expect(shown(paused)).toContain(`${id} paused by ${REQUESTER}: hosts already running finish`);
    expect(shown(await say(REQUESTER, `resume ${id}`))).toContain(`${id} resumed by ${REQUESTER}; it still only starts hosts inside its window.`);
  });

  it('lists a change with its title and requester as written', async () => {
    const change = await proposeChange(
      store,
      { approval: config.approval, windows: ['weeknights'] },
      { patches: ['KB5034441'], targets: ['staging'], class: 'normal', requester: REQUESTER, title: TITLE, now: at },
    );
    const listed = shown(await say('alice', 'changes'));
    expect(listed).toContain(`${change.id} pending-approval — ${TITLE} (by ${REQUESTER})`);
    expect(shown(await say('alice', `show ${change.id}`))).toContain(`${change.id}: ${TITLE}`);
  });

  it("shows the host's OS name and its scan's warning as written", async () => {
    const status = shown(await say('alice', 'status stg-01'));
    expect(status).toContain(`${OS_NAME} (debian)`);
    expect(status).toContain('unknown (`needrestart` is not installed)');
    expect(shown(await say('alice', 'reboots staging'))).toContain('1 host: `needrestart` is not installed');
  });

  it('names who proposed from a digest as written', async () => {
    await store.scans.start('scan-8', 'schedule', ['web-01'], at);
    await store.patches.upsert([{ id: 'KB5040001', title: 'update', severity: 'important', security: true, cves: [], rebootHint: false, firstSeen: at }], 'scan-8');
    await store.findings.record('scan-8', 'web-01', [{ patchId: 'KB5040001', state: 'missing' }], at);
    await announceScan(hub, store, 'scan-8', { schedule: config, approval: config.approval, now: at });
    const digest = (await opened.consoleMessages.recent('announce', null, 10)).find((m) => m.card?.threadKey === 'scan:scan-8')!;
    const click = await as(REQUESTER, {
      channel: 'announce',
      kind: 'action',
      action: { id: 'digest.propose', value: 'scan:scan-8', choice: 'weeknights' },
      message: { surface: 'console', channel: 'announce', id: digest.id },
    });
    expect(click.error).toBeUndefined();
    expect(inTeams(click.update?.card)).toContain(`Proposed as ${String(click.data?.change)} by ${REQUESTER} at 14:02 UTC`);
  });

  it('names who asked for a scan, who proposed or deferred a digest, and an unmapped account as written', async () => {
    expect(shown(await say(REQUESTER, 'scan staging'))).toContain(`asked by ${REQUESTER}.`);
    expect(scans).toEqual([REQUESTER]);
    const digest = (await opened.consoleMessages.recent('announce', null, 10)).find((m) => m.card?.threadKey === 'scan:scan-7')!;
    const click = await as(REQUESTER, {
      channel: 'announce',
      kind: 'action',
      action: { id: 'digest.defer', value: 'scan:scan-7' },
      message: { surface: 'console', channel: 'announce', id: digest.id },
    });
    expect(click.error).toBeUndefined();
    expect(shown(click)).toContain(`Deferred by ${REQUESTER} at 14:02 UTC`);
    const stranger = await say(null, 'propose KB5034441 to staging');
    expect(stranger.error?.code).toBe('not-a-person');
    expect(shown(stranger)).toContain(`account (${STRANGER}) is not mapped`);
  });
});
