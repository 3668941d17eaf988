import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostText } from '../../src/shared/host-text.ts';
import { launchChromium } from './support/browser.ts';

/**
 * The console's rendering of chat markup (richText in adapters/console/page/dom.js) and of a card's
 * plain-text title (render-card.js), the page's own modules in real Chromium: text a host or a
 * person supplied reaches them through hostText, its backticks escaped, and must show as the
 * backticks it had, never as patchbot's code marks, and never with the escaping backslash.
 */
const PAGE_DIR = join(import.meta.dirname, '..', '..', 'adapters', 'console', 'page');
const ORIGIN = 'http://console.test';

interface Rendered {
  text: string;
  codes: string[];
  html: string;
}

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  page = await browser.newPage();
  // The page's own modules, served as files from a made-up origin the browser never leaves for.
  await page.route(`${ORIGIN}/**`, (route) => {
    const name = basename(new URL(route.request().url()).pathname);
    if (!name.endsWith('.js')) return route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>renderer</title>' });
    return route.fulfill({ contentType: 'text/javascript', body: readFileSync(join(PAGE_DIR, name), 'utf8') });
  });
  await page.goto(`${ORIGIN}/`);
  const expose = [
    "import { richText } from '/dom.js';",
    "import { renderCard } from '/render-card.js';",
    'globalThis.render = (text) => { const div = document.createElement("div"); div.append(richText(text)); return { text: div.textContent, codes: [...div.querySelectorAll("code")].map((c) => c.textContent), html: div.innerHTML }; };',
    'globalThis.titleOf = (title) => renderCard({ title }, () => {}).querySelector(".card-title").textContent;',
  ].join('\n');
  await page.addScriptTag({ type: 'module', content: expose });
  await page.waitForFunction(() => typeof (globalThis as unknown as { titleOf?: unknown }).titleOf === 'function');
});
afterAll(async () => {
  await browser?.close();
});

const render = (text: string): Promise<Rendered> => page.evaluate((t) => (globalThis as unknown as { render(text: string): Rendered }).render(t), text);
const titleOf = (title: string): Promise<string> => page.evaluate((t) => (globalThis as unknown as { titleOf(title: string): string }).titleOf(t), title);

describe("the console's rendering of host text", () => {
  it('shows a host title with backticks as those backticks, not as code', async () => {
    const title = 'openssl: fix `SSL_read` on `EOF`';
    const shown = await render(`\`DSA-5600-1\` ${hostText(title)} — 2 hosts`);
    expect(shown.text).toBe(`DSA-5600-1 ${title} — 2 hosts`);
    // Only patchbot's own mark is code.
    expect(shown.codes).toEqual(['DSA-5600-1']);
    expect(shown.html).not.toContain('\\');
  });

  it('shows a lone backtick from a host as it is', async () => {
    const shown = await render(`web-01: failed — ${hostText("sh: 1: unexpected `' in line 3")}`);
    expect(shown.text).toBe("web-01: failed — sh: 1: unexpected `' in line 3");
    expect(shown.codes).toEqual([]);
  });

  it("shows a card title's host text (a change's title) as written, without the escaping backslash", async () => {
    expect(await titleOf(`CHG-7: ${hostText('KB1 to web (`monthly`)')}`)).toBe('CHG-7: KB1 to web (`monthly`)');
  });

  it("keeps an escaped backtick inside patchbot's code mark as a backtick in the code", async () => {
    const shown = await render(`run \`${hostText('echo `id`')}\` to see`);
    expect(shown.codes).toEqual(['echo `id`']);
    expect(shown.text).toBe('run echo `id` to see');
  });
});
