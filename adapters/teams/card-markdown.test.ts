import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import type { Card } from '../../src/chat/card.ts';
import { cardWarnings } from '../../test/support/fake-teams/card-check.ts';
import { digestCard } from '../../src/chat/announce/digest-card.ts';
import { hostText } from '../../src/shared/host-text.ts';
import { renderAdaptiveCard } from './adaptive-card.ts';
import { withoutCodeMarks } from './card-markdown.ts';

/**
 * Host, scan and user text in a Teams card shows as written. Checked by rendering every TextBlock
 * and fact with markdown-it (CommonMark plus strikethrough and tables, HTML on: more than Teams
 * renders), so the test does not trust our own idea of what markdown does.
 */
const md = new MarkdownIt('default', { html: true, linkify: false });

const HOSTILE = [
  '[Sign in to approve KB5034441](https://evil.example/sso)',
  '![pixel](https://evil.example/p.png)',
  '[approve][1]\n\n[1]: https://evil.example/sso',
  '<https://evil.example/sso> and <b>bold</b>',
  '&#91;Sign in&#93;(https://evil.example/sso) &lt;x&gt;',
  '**Approved by the CAB** _urgent_ ~~reboot~~ `code`',
  '# Approved\n## by the CAB',
  '> quoted\n- bullet\n+ bullet\n* bullet\n1. first\n2) second',
  'heading\n===\nrule\n---',
  'a\\[b](https://evil.example) \\*c\\*',
  'host_names_like_this deb:openssl@3.0.22-1~deb12u2 (KB5034441)',
  'a lone ` backtick',
  '`[a link](https://evil.example/sso)` in code marks, `**bold**`',
];
/** What shows where it differs from what was written: a pair of backticks is a code mark, dropped (Adaptive Cards have no inline code). */
const SHOWN: Record<string, string> = {
  '**Approved by the CAB** _urgent_ ~~reboot~~ `code`': '**Approved by the CAB** _urgent_ ~~reboot~~ code',
  '`[a link](https://evil.example/sso)` in code marks, `**bold**`': '[a link](https://evil.example/sso) in code marks, **bold**',
};

const decode = (html: string) =>
  html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
/** The paragraphs of text markdown-it makes of `markdown`; anything else (a link, a list, a heading, emphasis) fails. */
const paragraphText = (markdown: string): string => {
  const html = md.render(markdown);
  if (!/^(<p>[^<]*<\/p>\n)+$/.test(html)) throw new Error(`rendered as more than paragraphs of text: ${html}`);
  return decode(html.slice(3, -5).split('</p>\n<p>').join('\n\n'));
};

type Json = Record<string, unknown>;
const blocks = (card: Json) => card.body as Json[];

describe('Adaptive Card text is shown as written', () => {
  // Put in as it stands, or as host text (hostText, src/shared/host-text.ts): then its backticks are no code marks and show too.
  it.each(
    HOSTILE.flatMap((text) => [
      { text, asHostText: false },
      { text, asHostText: true },
    ]),
  )('%j stays literal in title, text, facts, lists, headings and confirmations', ({ text, asHostText }) => {
    const hostile = asHostText ? hostText(text) : text;
    const shown = asHostText ? text : (SHOWN[text] ?? text);
    const card: Card = {
      title: hostile,
      text: hostile,
      fields: [{ label: hostile, value: hostile }],
      lists: [{ heading: hostile, items: [hostile.replace(/\n/g, ' ')], more: hostile }],
      sections: [{ heading: hostile, text: hostile }],
      actions: [{ id: 'change.abort', label: 'Abort', value: 'CHG-1', style: 'danger', confirm: { title: 'Abort?', text: hostile, confirm: 'Abort', deny: 'Cancel' } }],
    };
    const rendered = renderAdaptiveCard(card) as unknown as Json;
    expect(cardWarnings(rendered)).toEqual([]);
    const texts: string[] = [];
    for (const block of blocks(rendered)) {
      if (block.type === 'FactSet') for (const fact of block.facts as { title: string; value: string }[]) texts.push(fact.title, fact.value);
      else if (block.type === 'TextBlock' && !String(block.text).startsWith('- ')) texts.push(String(block.text));
    }
    const confirm = ((rendered.actions as Json[])[0]!.card as Json).body as Json[];
    texts.push(String(confirm[1]!.text));
    expect(texts).toHaveLength(9);
    for (const text of texts) expect(paragraphText(text)).toBe(shown);

    // Our own list markup still renders as a list, its item as written.
    const list = blocks(rendered).find((b) => String(b.text).startsWith('- '))!;
    const html = md.render(String(list.text));
    expect(html).toMatch(/^<ul>\n<li>[^<]*<\/li>\n<\/ul>\n$/);
    expect(decode(/<li>([^<]*)<\/li>/.exec(html)![1]!)).toBe(shown.replace(/\n/g, ' '));
  });

  it('leaves text with nothing to escape unchanged', () => {
    const card = renderAdaptiveCard({ title: 'CHG-7: openssl to prod-web', text: '0 of 3 CAB approvals: bob, carol', fields: [{ label: 'Requested by', value: 'alice' }] });
    expect(blocks(card as unknown as Json).map((b) => b.text ?? b.facts)).toEqual([
      'CHG-7: openssl to prod-web',
      '0 of 3 CAB approvals: bob, carol',
      [{ title: 'Requested by', value: 'alice' }],
    ]);
  });

  it("shows patchbot's own code marks as plain text: the command, not backticks around it", () => {
    const card: Card = {
      title: 'KB5034441 is missing on 40 hosts',
      text: 'No patch KB1 has been seen in any scan. `pending` lists the patches scans have found missing.',
      fields: [{ label: 'What', value: '143 patches, +140 more — `show CHG-7 patches`' }],
      lists: [{ items: ['`CHG-7` pending-approval — openssl (by alice)'], more: '+25 more — next 15: `@patchbot missing deb:openssl@3.0.22-1~deb12u2 page 2`' }],
    };
    const rendered = renderAdaptiveCard(card) as unknown as Json;
    const body = blocks(rendered);
    expect(paragraphText(String(body[1]!.text))).toBe('No patch KB1 has been seen in any scan. pending lists the patches scans have found missing.');
    expect(paragraphText((body[2]!.facts as { value: string }[])[0]!.value)).toBe('143 patches, +140 more — show CHG-7 patches');
    expect(md.render(String(body[3]!.text))).toBe('<ul>\n<li>CHG-7 pending-approval — openssl (by alice)</li>\n</ul>\n');
    expect(paragraphText(String(body[4]!.text))).toBe('+25 more — next 15: @patchbot missing deb:openssl@3.0.22-1~deb12u2 page 2');
    expect(JSON.stringify(rendered)).not.toContain('`');
  });

  it("keeps host text's backticks, and drops patchbot's code marks around it", () => {
    const title = 'Fix for `x` in the `--force` option; a lone ` too';
    const patch = { id: 'deb:openssl@3.0.22-1~deb12u2', title, severity: 'important' as const, security: true, cves: [], rebootHint: false, firstSeen: new Date(0) };
    const digest = digestCard([patch], { byPatch: new Map([[patch.id, { count: 1, first: ['web-01'] }]]), hosts: 1 }, { scanId: 'scan-1', freshness: 'from a scan just now' });
    const rendered = renderAdaptiveCard(digest) as unknown as Json;
    const item = blocks(rendered).find((b) => String(b.text).startsWith('- '))!;
    expect(decode(/<li>([^<]*)<\/li>/.exec(md.render(String(item.text)))![1]!)).toBe(`deb:openssl@3.0.22-1~deb12u2 ${title} [security] — 1 host (web-01)`);
    // A comment inside patchbot's own code mark keeps its backticks too; the mark goes.
    const card: Card = { title: 'Comments', text: `\`show CHG-7\` — bob: ${hostText('use `apt-mark hold` first')}` };
    expect(paragraphText(String(blocks(renderAdaptiveCard(card) as unknown as Json)[1]!.text))).toBe('show CHG-7 — bob: use `apt-mark hold` first');
    expect(withoutCodeMarks(`\`CHG-7\` ${hostText('`x`')} and \`${hostText('a`b')}\``)).toBe('CHG-7 `x` and a`b');
  });
});
