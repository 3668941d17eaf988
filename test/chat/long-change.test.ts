import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderCard } from '../../adapters/slack/block-kit.ts';
import { renderAdaptiveCard } from '../../adapters/teams/adaptive-card.ts';
import { Card } from '../../src/chat/card.ts';
import { dispatch, type DispatchDeps } from '../../src/chat/dispatcher.ts';
import { chatHandlers } from '../../src/chat/handlers.ts';
import type { Interaction } from '../../src/chat/interaction.ts';
import { proposeChange } from '../../src/changes/propose-change.ts';
import { Config } from '../../src/config/schema.ts';
import type { Severity } from '../../src/discovery/patch.ts';
import type { PatchbotStore } from '../../src/patchbot-store.ts';
import { checked } from '../support/chat.ts';
import { shownCard } from '../support/fake-teams/card-check.ts';
import { freshPglite } from '../support/engines.ts';
import { seedEstate } from '../support/seed.ts';

/**
 * A 143-patch change: its approval card summarises WHAT (counts by severity, the most urgent few)
 * instead of a tall column of ids, and the full list is one click (or `show CHG-n patches`) away,
 * whole on Slack (blocks, section size) and Teams (card bytes).
 */
const now = new Date('2024-05-01T14:02:00Z');
const config = Config.parse({ windows: { weeknights: { cron: '0 22 * * 1-5', duration: '4h' } } });
const { handlers, actions } = chatHandlers({ config });
const SEVERITY_OF = (i: number): Severity => (i < 4 ? 'critical' : i < 24 ? 'important' : i < 124 ? 'moderate' : 'low');
const IDS = Array.from({ length: 143 }, (_, i) => `deb:pkg${String(i).padStart(3, '0')}@1.${i}-1~deb12u1`);

let opened: Awaited<ReturnType<typeof freshPglite>>;
let store: PatchbotStore;
let counter = 0;
const deps = (): DispatchDeps => ({ store, handlers, actions, now: () => now, newRef: () => 'ref00001' });
const as = async (over: Partial<Interaction>): Promise<Interaction> => ({
  id: `i-${++counter}`,
  surface: 'slack',
  channel: 'C1',
  actor: { person: await store.people.get('alice'), surfaceUserId: 'U-alice', displayName: 'alice' },
  kind: 'command',
  receivedAt: now,
  ...over,
});

beforeAll(async () => {
  opened = await freshPglite();
  store = opened.store;
  await seedEstate(store);
  await store.scans.start('scan-long', 'test', ['web-01'], now);
  await store.patches.upsert(
    IDS.map((id, i) => ({ id, title: `pkg${i} security update`, severity: SEVERITY_OF(i), security: true, cves: [], rebootHint: false, firstSeen: now })),
    'scan-long',
  );
});
afterAll(async () => opened?.store.close());

/** Every list item a rendering shows, as text. */
const everyId = (rendered: unknown) => IDS.filter((id) => JSON.stringify(rendered).includes(id));

describe('a change of 143 patches', () => {
  it('is summarised on its approval card, with the full list one click away on every surface', async () => {
    // As the digest's Propose rollout or a recurring proposal makes it (chat text stops at 500 characters).
    const { id } = await proposeChange(
      store,
      { approval: config.approval, windows: ['weeknights'] },
      { patches: IDS, targets: ['staging'], window: 'weeknights', class: 'normal', requester: 'alice', now },
    );
    const card = checked(await dispatch(await as({ text: `show ${id}` }), deps())).public;
    expect(card?.title).toBe(`${id}: 143 patches to staging`);
    const what = card?.fields?.find((f) => f.label === 'What')?.value ?? '';
    expect(what).toBe(
      `143 patches: 4 critical, 20 important, 100 moderate, 19 low. Most urgent: ${IDS.slice(0, 3)
        .map((p) => `${p} (critical)`)
        .join(', ')}, +140 more — \`show ${id} patches\``,
    );
    expect(card?.actions?.map((a) => [a.id, a.label, a.value])).toEqual([
      ['change.approve', 'Approve', id],
      ['change.reject', 'Reject', id],
      ['change.patches', 'All 143 patches', id],
    ]);

    // The button answers the one who clicked; the command answers in the channel (the change's thread).
    const clicked = checked(await dispatch(await as({ kind: 'action', action: { id: 'change.patches', value: id }, message: { surface: 'slack', channel: 'C1', id: '1.2' } }), deps()));
    const typed = checked(await dispatch(await as({ text: `show ${id} patches` }), deps()));
    expect(clicked.public).toBeUndefined();
    expect(typed.public).toEqual(clicked.private);
    const list = Card.parse(clicked.private);
    expect(list.threadKey).toBe(`change:${id}`);
    expect(list.sections?.map((s) => s.heading)).toEqual(['Critical (4)', 'Important (20)', 'Moderate (100)', 'Low (19)']);
    expect((typed.data?.patches as unknown[]).length).toBe(143);

    // Slack: within 50 blocks and 3,000 chars per section, nothing cut.
    const slack = renderCard(list);
    expect(slack.blocks.length).toBeLessThanOrEqual(50);
    for (const block of slack.blocks) if (block.type === 'section' && block.text) expect(block.text.text.length).toBeLessThanOrEqual(3000);
    expect(JSON.stringify(slack)).not.toMatch(/more parts not shown|\+\d+ more/);
    expect(everyId(slack)).toEqual(IDS);
    // Teams: within the card's bytes, nothing cut.
    const teams = renderAdaptiveCard(list);
    expect(Buffer.byteLength(JSON.stringify(teams))).toBeLessThanOrEqual(28_000);
    expect(JSON.stringify(teams)).not.toMatch(/\+\d+ more/);
    // As Teams shows it: the card's text is markdown-escaped (a host's title is never a link), `~` included.
    expect(everyId(shownCard(teams as unknown as Record<string, unknown>).text)).toEqual(IDS);
    // The approval card itself renders on both, with its three buttons.
    expect(renderCard(card!).blocks.at(-1)).toMatchObject({
      type: 'actions',
      elements: [{ text: { text: 'Approve' } }, { text: { text: 'Reject' } }, { text: { text: 'All 143 patches' } }],
    });
    expect(JSON.stringify(renderAdaptiveCard(card!))).toContain('All 143 patches');
  });
});
