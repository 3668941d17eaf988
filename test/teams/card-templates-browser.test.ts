import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderAdaptiveCard } from '../../adapters/teams/adaptive-card.ts';
import { launchChromium } from '../console/support/browser.ts';

/**
 * Host text in a Teams card as the `adaptivecards` package renders it in a real browser: its
 * renderer evaluates `{{DATE(…)}}` and `{{TIME(…)}}` in TextBlocks and facts, then renders the
 * markdown (with markdown-it, as Teams renders CommonMark). The raw card shows that the functions
 * are evaluated; the card patchbot renders must show the host's text as it was sent.
 */
const resolve = createRequire(import.meta.url).resolve;
const HOSTILE = 'Reboot {{DATE(2017-02-14T06:08:39Z, SHORT)}} at {{TIME(2017-02-14T06:08:39Z)}}';

let browser: Browser;
let page: Page;

/** The text of every TextBlock (facts included) as the browser shows it. */
const shown = (card: unknown): Promise<string[]> =>
  page.evaluate((json) => {
    // The page's globals, typed as far as used here (the project compiles without the DOM's types).
    type Rendered = { querySelectorAll(selector: string): ArrayLike<{ innerText: string }> };
    const { AdaptiveCards, document } = globalThis as unknown as {
      AdaptiveCards: { AdaptiveCard: new () => { parse(json: unknown): void; render(): Rendered | undefined } };
      document: { body: { replaceChildren(node: Rendered): void } };
    };
    const parsed = new AdaptiveCards.AdaptiveCard();
    parsed.parse(json);
    const element = parsed.render()!;
    document.body.replaceChildren(element);
    return Array.from(element.querySelectorAll('.ac-textBlock'), (block) => block.innerText.trim());
  }, card);

describe('Adaptive Card template functions in host text, rendered by the adaptivecards package', () => {
  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage({ locale: 'en-US' });
    await page.setContent('<!doctype html><html lang="en"><body></body></html>');
    await page.addScriptTag({ path: resolve('markdown-it/dist/markdown-it.min.js') });
    await page.addScriptTag({ path: resolve('adaptivecards/dist/adaptivecards.min.js') });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('evaluates the functions in a card that does not escape them', async () => {
    const [text] = await shown({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: HOSTILE }] });
    expect(text).not.toContain('{{');
    expect(text).toMatch(/2017/);
  });

  it('shows the host text as written in the title, text, facts and lists of a patchbot card', async () => {
    const card = renderAdaptiveCard({
      title: HOSTILE,
      text: HOSTILE,
      fields: [{ label: HOSTILE, value: HOSTILE }],
      lists: [{ heading: HOSTILE, items: [HOSTILE] }],
    });
    expect(await shown(card)).toEqual([HOSTILE, HOSTILE, HOSTILE, HOSTILE, HOSTILE, HOSTILE]);
  });
});
