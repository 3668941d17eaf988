import { describe, expect, it } from 'vitest';
import { hostText } from '../../src/shared/host-text.ts';
import { escapeMrkdwn, listText, renderCard } from './block-kit.ts';
import type { Card } from '../../src/chat/card.ts';
import { digestCard } from '../../src/chat/announce/digest-card.ts';
import type { Patch, Severity } from '../../src/discovery/patch.ts';
import { blockErrors, buttonsOf } from '../../test/support/fake-slack/block-rules.ts';

/**
 * The renderer against Slack's rules as the fake enforces them (written separately from the
 * renderer): whatever the card, Slack must accept the blocks, and nothing a host or a patch title
 * carries may turn into markup.
 */

type Block = { type: string; text?: { text: string }; fields?: { text: string }[]; elements?: Record<string, unknown>[] };
const texts = (blocks: unknown[]) =>
  (blocks as Block[]).flatMap((b) => [b.text?.text ?? '', ...(b.fields ?? []).map((f) => f.text), ...(b.elements ?? []).map((e) => String((e as { text?: unknown }).text ?? ''))]);

const SEVERITIES: Severity[] = ['critical', 'important', 'moderate', 'low', 'unknown'];
const patches = (n: number): Patch[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `deb:pkg${i}@1.${i}`,
    title: `Update <pkg${i}> & friends`,
    severity: SEVERITIES[i % 5]!,
    security: i % 2 === 0,
    cves: [],
    rebootHint: false,
    firstSeen: new Date('2024-01-01T00:00:00Z'),
  }));

describe('Block Kit rendering', () => {
  it('renders a 500-patch digest that Slack accepts, with "+N more" per severity and the buttons last', () => {
    const list = patches(500);
    const affected = {
      byPatch: new Map(list.map((p, i) => [p.id, { count: (i % 40) + 1, first: Array.from({ length: Math.min(3, (i % 40) + 1) }, (_, h) => `web-${h}`) }])),
      hosts: 40,
    };
    const message = renderCard(digestCard(list, affected, { scanId: 'scan-1', freshness: 'from a scan just now' }));
    expect(blockErrors(message.blocks)).toEqual([]);
    expect(message.blocks[0]).toMatchObject({ type: 'header', text: { text: '500 new patches found' } });
    expect(message.blocks.at(-1)).toMatchObject({ type: 'actions' });
    const all = texts(message.blocks).join('\n');
    expect(all.match(/_\+85 more — `pending` lists them a page at a time; `missing` with a patch id names its hosts_/g)?.length).toBe(5);
    expect(all).not.toMatch(/<pkg/);
    expect(all).toMatch(/Update &lt;pkg\d+&gt; &amp; friends/);
    expect(message.text).toMatch(/^500 new patches found\nScan `scan-1` discovered 500 patches/);
  });

  it('keeps a card with too many parts within 50 blocks, buttons and footer kept, and says what was cut', () => {
    const card: Card = {
      title: 'x'.repeat(150),
      text: '<!channel> look',
      sections: Array.from({ length: 70 }, (_, i) => ({ heading: `Part ${i}`, text: `text ${i}` })),
      context: 'ref abc',
      actions: [
        { id: 'a.one', label: 'One', style: 'primary', value: '1' },
        { id: 'a.two', label: 'Two', style: 'primary', value: '2' },
        { id: 'a.three', label: 'Drop everything', style: 'danger', value: '3' },
      ],
    };
    const { blocks } = renderCard(card);
    expect(blockErrors(blocks)).toEqual([]);
    expect(blocks).toHaveLength(50);
    expect(blocks.at(-2)).toMatchObject({ type: 'context' });
    expect(texts(blocks)).toContain('_+25 more parts not shown (Slack shows 50 blocks per message)._');
    expect(texts(blocks)[1]).toBe('&lt;!channel&gt; look');
    const buttons = (blocks.at(-1) as unknown as { elements: Record<string, unknown>[] }).elements;
    // One primary per set; a danger button always asks first.
    expect(buttons.map((b) => b.style)).toEqual(['primary', undefined, 'danger']);
    expect(buttons[2]).toMatchObject({ confirm: { title: { text: 'Drop everything?' }, confirm: { text: 'Drop everything' }, deny: { text: 'Cancel' }, style: 'danger' } });
  });

  it.each([
    ['plain', 'a', 3000],
    ['every character escaped', '<&>', 3000],
    ['a short section', 'h-', 400],
  ] as [string, string, number][])('shrinks a %s list to fit and counts what it dropped in "+N more"', (_what, unit, max) => {
    const items = Array.from({ length: 14 }, (_, i) => `${i} ${unit.repeat(40)}`);
    const text = listText({ heading: 'Hosts', items, more: '+15 more — `pending` for all' }, undefined, max);
    expect(text.length).toBeLessThanOrEqual(max);
    const shown = text.split('\n').filter((l) => l.startsWith('• ')).length;
    expect(shown).toBeGreaterThan(0);
    expect(text).toContain(`_+${15 + 14 - shown} more — \`pending\` for all_`);
  });

  it('renders fields and lists of sections with their headings, and a confirm the card asked for', () => {
    const card: Card = {
      title: 'CHG-1: openssl to prod-web',
      fields: Array.from({ length: 10 }, (_, i) => ({ label: `L${i}`, value: 'v'.repeat(1990) })),
      sections: [{ heading: 'Waves', lists: [{ items: ['pilot', 'rest'] }] }],
      actions: [
        { id: 'change.approve', label: 'Approve', style: 'primary', value: 'CHG-1', confirm: { title: 'Approve CHG-1?', text: 'Production change.', confirm: 'Approve', deny: 'Cancel' } },
      ],
    };
    const { blocks } = renderCard(card);
    expect(blockErrors(blocks)).toEqual([]);
    expect(texts(blocks)).toContain('*Waves*\n• pilot\n• rest');
    expect(buttonsOf(blocks)).toEqual([{ blockId: 'blk3', actionId: 'change.approve', value: 'CHG-1', text: 'Approve' }]);
    expect((blocks[3] as unknown as { elements: Record<string, unknown>[] }).elements[0]).toMatchObject({ confirm: { title: { text: 'Approve CHG-1?' } } });
  });

  it('leaves out what would be an empty section, which Slack refuses', () => {
    const { blocks } = renderCard({ title: 'Nothing pending', text: ' ', lists: [{ items: [] }], sections: [{ lists: [{ items: [] }] }] });
    expect(blockErrors(blocks)).toEqual([]);
    expect(blocks).toEqual([{ type: 'header', text: { type: 'plain_text', text: 'Nothing pending', emoji: true } }]);
  });

  it('marks every mrkdwn text verbatim, so Slack does not turn plain text such as @here in host data into a live mention', () => {
    const card: Card = {
      title: 'web-@here',
      text: 'Host @here says @channel',
      fields: [{ label: 'Host', value: '@everyone' }],
      lists: [{ items: ['@here'], more: '+3 more' }],
      sections: [{ heading: 'Waves', lists: [{ items: ['@channel'] }] }],
      context: 'scanned by @here',
    };
    const mrkdwnObjects: Record<string, unknown>[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        if ((node as { type?: unknown }).type === 'mrkdwn') mrkdwnObjects.push(node as Record<string, unknown>);
        Object.values(node).forEach(walk);
      }
    };
    walk(renderCard(card).blocks);
    // Text, a field, two lists and the context: each a text object of its own.
    expect(mrkdwnObjects.length).toBeGreaterThanOrEqual(5);
    expect(mrkdwnObjects.filter((o) => o.verbatim !== true)).toEqual([]);
  });

  it('escapes only what Slack treats as markup', () => {
    expect(escapeMrkdwn('a <b> & `c` *d*')).toBe('a &lt;b&gt; &amp; `c` *d*');
    // Host text's backticks come escaped (src/shared/host-text.ts); Slack has no escape for them: they go as they came.
    expect(escapeMrkdwn(`\`KB1\` ${hostText('`x`')}`)).toBe('`KB1` `x`');
  });

  it("shows host text in a title (a change's title) as written in the plain-text header", () => {
    const { blocks } = renderCard({ title: `CHG-7: ${hostText('KB1 to web (`monthly`)')}` });
    expect(blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text', text: 'CHG-7: KB1 to web (`monthly`)' } });
  });
});
