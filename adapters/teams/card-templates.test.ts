import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { renderAdaptiveCard } from './adaptive-card.ts';
import { escapeCardMarkdown } from './card-markdown.ts';

/**
 * Adaptive Cards evaluate `{{DATE(…)}}` and `{{TIME(…)}}` in TextBlocks and facts (the adaptivecards
 * package's regular expressions, below, are the ones its renderer applies before markdown). Host
 * text must reach the reader as written: no function in it may be found, and the markdown shows the
 * braces again. test/teams/card-templates-browser.test.ts renders the cards with the package itself.
 */
const DATE = /\{{2}DATE\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:Z|(?:(?:-|\+)\d{2}:\d{2})))(?:, ?(COMPACT|LONG|SHORT))?\)\}{2}/;
const TIME = /\{{2}TIME\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:Z|(?:(?:-|\+)\d{2}:\d{2})))\)\}{2}/;

const TEMPLATED = [
  '{{DATE(2017-02-14T06:08:39Z, SHORT)}}',
  'Reboot at {{TIME(2017-02-14T06:08:39Z)}} on {{DATE(2017-02-14T06:08:39+02:00,LONG)}}',
  '{{{DATE(2017-02-14T06:08:39Z, COMPACT)}}}',
  'a\\{{TIME(2017-02-14T06:08:39Z)}} and \\\\{{DATE(2017-02-14T06:08:39Z)}}',
];

const md = new MarkdownIt('default', { html: true, linkify: false });
/** The text markdown-it shows for one paragraph, entities decoded. */
const shown = (markdown: string) =>
  md
    .renderInline(markdown)
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

describe('Adaptive Card template functions in host text', () => {
  it('the examples are functions an unescaped card would evaluate', () => {
    for (const text of TEMPLATED) expect(DATE.test(text) || TIME.test(text), text).toBe(true);
  });

  it.each(TEMPLATED)('%j is no function in any text or fact of the card, and reads as written', (hostile) => {
    const card = renderAdaptiveCard({
      title: hostile,
      text: hostile,
      fields: [{ label: hostile, value: hostile }],
      lists: [{ heading: hostile, items: [hostile], more: hostile }],
    });
    const texts = card.body.flatMap((block) => (block.type === 'FactSet' ? (block.facts as { title: string; value: string }[]).flatMap((f) => [f.title, f.value]) : [String(block.text)]));
    expect(texts).toHaveLength(7);
    for (const text of texts) {
      expect(text).not.toContain('{{');
      expect(shown(text.replace(/^- /, ''))).toBe(hostile);
    }
  });

  it('leaves single braces and text without braces as they were', () => {
    expect(escapeCardMarkdown('config {key} and { spaced } braces')).toBe('config {key} and { spaced } braces');
    expect(escapeCardMarkdown('CHG-7: openssl to prod-web')).toBe('CHG-7: openssl to prod-web');
  });
});
