import { describe, expect, it } from 'vitest';
import { Card, CARD_LIMITS, capList, listOf } from './card.ts';
import { cardProblems, estimateBlocks } from './card-limits.ts';
import { hostText } from '../shared/host-text.ts';
import { plainText, renderText } from './render-text.ts';

const hosts = (n: number) => Array.from({ length: n }, (_, i) => `web-${String(i + 1).padStart(2, '0')}`);

describe('capList', () => {
  it.each<[number, number, string[]]>([
    [0, 3, []],
    [3, 3, ['web-01', 'web-02', 'web-03']],
    [5, 3, ['web-01', 'web-02', 'web-03', '+2 more — ask for all']],
  ])('%d items, max %d', (n, max, expected) => {
    expect(capList(hosts(n), max, 'ask for all')).toEqual(expected);
  });

  it('stays inside one section however long the items are', () => {
    const list = listOf(
      Array.from({ length: 100 }, () => 'x'.repeat(1000)),
      50,
      'see --json',
    );
    const chars = list.items.reduce((n, i) => n + i.length + 1, 0) + (list.more?.length ?? 0);
    expect(chars).toBeLessThanOrEqual(CARD_LIMITS.sectionChars);
    expect(list.items[0]).toHaveLength(300);
    expect(list.more).toMatch(/^\+9\d more — see --json$/);
  });

  it('says thousands readably', () => {
    expect(listOf(hosts(1234), 2, 'x').more).toBe('+1,232 more — x');
  });
});

describe('Card', () => {
  const base = { title: 'KB5034441 is missing on 3 hosts' };

  it('accepts a full card and defaults the button style', () => {
    const card = Card.parse({
      ...base,
      text: 'text',
      fields: [{ label: 'Missing', value: '3' }],
      lists: [listOf(hosts(20), 15, 'more')],
      actions: [{ id: 'change.approve', label: 'Approve', value: 'CHG-7', confirm: { title: 'Approve?', text: 'Production', confirm: 'Yes', deny: 'No' } }],
      context: 'from scans 2 h ago',
      threadKey: 'change:CHG-7',
    });
    expect(card.actions?.[0]?.style).toBe('default');
    expect(cardProblems(card)).toEqual([]);
  });

  it.each<[string, object]>([
    ['a button value over 2,000 chars', { actions: [{ id: 'a', label: 'A', value: 'x'.repeat(2001) }] }],
    ['26 buttons', { actions: Array.from({ length: 26 }, (_, i) => ({ id: `a${i}`, label: 'A', value: '' })) }],
    [
      'duplicate action ids',
      {
        actions: [
          { id: 'a', label: 'A', value: '' },
          { id: 'a', label: 'B', value: '' },
        ],
      },
    ],
    ['a long title', { title: 't'.repeat(151) }],
    ['text over a section', { text: 'x'.repeat(3001) }],
    ['11 fields', { fields: Array.from({ length: 11 }, () => ({ label: 'l', value: 'v' })) }],
    ['a bad thread key', { threadKey: 'CHG 7' }],
    ['a confirm button label over 30 chars', { actions: [{ id: 'a', label: 'A', value: '', confirm: { title: 't', text: 't', confirm: 'c'.repeat(31), deny: 'd' } }] }],
  ])('refuses %s', (_name, over) => {
    expect(Card.safeParse({ ...base, ...over }).success).toBe(false);
  });

  it('flags what only the rendered size can break', () => {
    const many = { ...base, lists: Array.from({ length: 60 }, () => ({ items: ['x'] })) };
    expect(estimateBlocks(many)).toBe(61);
    expect(cardProblems(many)).toEqual([expect.stringMatching(/61 blocks/)]);
    const heavy = { ...base, sections: Array.from({ length: 12 }, () => ({ text: 'é'.repeat(2900) })) };
    expect(cardProblems(heavy).join()).toMatch(/bytes \(Teams cards stay under 28000\)/);
    const primaries = {
      ...base,
      actions: [
        { id: 'a', label: 'A', value: '', style: 'primary' as const },
        { id: 'b', label: 'B', value: '', style: 'primary' as const },
      ],
    };
    expect(cardProblems(primaries)).toEqual(['more than one primary action (Slack allows one per set)']);
  });
});

describe('renderText', () => {
  it('prints title, text, fields, lists, buttons and the context line', () => {
    const text = renderText({
      title: 'KB5034441 is missing on 3 hosts',
      text: 'Windows Recovery Environment update — important',
      fields: [
        { label: 'Missing', value: '3' },
        { label: 'Installed', value: '1' },
      ],
      lists: [{ heading: 'Hosts', ...listOf(hosts(3), 2, 'patchbot ask … --json') }],
      actions: [{ id: 'p', label: 'Propose rollout', value: 'KB5034441', style: 'primary' }],
      context: 'from scans 2 h ago',
    });
    expect(text).toBe(
      [
        'KB5034441 is missing on 3 hosts',
        'Windows Recovery Environment update — important',
        '  Missing:   3',
        '  Installed: 1',
        'Hosts:',
        '  - web-01',
        '  - web-02',
        '  +1 more — patchbot ask … --json',
        'Buttons (in chat or the console): Propose rollout',
        '(from scans 2 h ago)',
        '',
      ].join('\n'),
    );
  });

  it('prints no control character a host may have slipped into a card (review finding 5)', () => {
    // OSC 52 (clipboard write), then "column 1, erase the line" and a green lie; U+009B is the C1 CSI.
    const evil = '\u001b]52;c;ZXZpbA==\u0007\u001b[1G\u001b[2K\u001b[32mall hosts compliant\u009b2J\r';
    const text = renderText({
      title: `web-01 runs ${evil}`,
      text: `OS: ${evil}\n\tindented`,
      fields: [{ label: 'OS', value: evil }],
      lists: [{ heading: 'Missing', items: [`KB5034441: ${evil}`] }],
      sections: [{ heading: evil, text: evil }],
      context: evil,
    });
    // eslint-disable-next-line no-control-regex -- the test looks for control characters
    expect(text).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/);
    expect(text.split('\n').slice(0, 3)).toEqual(['web-01 runs ]52;c;ZXZpbA==[1G[2K[32mall hosts compliant2J', 'OS: ]52;c;ZXZpbA==[1G[2K[32mall hosts compliant2J', '\tindented']);
  });

  it('takes chat markup off for a terminal, leaving code and underscores in names as written', () => {
    const text = renderText({
      title: '*CHG-3* is `pending-approval`',
      text: 'Run `patchbot change approve CHG-3 --as dave` or press **Approve**; _not_ on web_01_a',
      fields: [{ label: '*Where*', value: '`prod-web` (a *b* c)' }],
      lists: [{ heading: '_Hosts_', items: ['`web-01`', 'node_1'] }],
      context: '_from scans 2 h ago_ · `2*3*4`',
    });
    expect(text).toBe(
      [
        'CHG-3 is pending-approval',
        'Run patchbot change approve CHG-3 --as dave or press Approve; not on web_01_a',
        '  Where: prod-web (a b c)',
        'Hosts:',
        '  - web-01',
        '  - node_1',
        '(from scans 2 h ago · 2*3*4)',
        '',
      ].join('\n'),
    );
    expect(plainText('no marks at all: 3 * 4 = 12, a_b')).toBe('no marks at all: 3 * 4 = 12, a_b');
  });

  it("shows host text's backticks as they came, and takes off only patchbot's code marks", () => {
    expect(plainText(`\`KB1\` ${hostText('Fix `x` and a lone ` too')} — \`${hostText('a`b')}\``)).toBe('KB1 Fix `x` and a lone ` too — a`b');
  });
});
