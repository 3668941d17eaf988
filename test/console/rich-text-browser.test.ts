import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostText } from '../../src/shared/host-text.ts';
import { launchChromium } from './support/browser.ts';

/**
 * The console's renderer of chat markup (richText in adapters/console/page/dom.js), in real
 * Chromium: text a host supplied reaches it through hostText, its backticks escaped, and must show
 * as the backticks it had, never as patchbot's code marks, and never with the escaping backslash.
 */
const DOM_JS = readFileSync(join(import.meta.dirname, '..', '..', 'adapters', 'console', 'page', 'dom.js'), 'utf8');

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
  // dom.js as the page loads it (a module), plus a way to render into a detached element.
  const expose =
    'globalThis.render = (text) => { const div = document.createElement("div"); div.append(richText(text)); return { text: div.textContent, codes: [...div.querySelectorAll("code")].map((c) => c.textContent), html: div.innerHTML }; };';
  await page.addScriptTag({ type: 'module', content: `${DOM_JS}\n${expose}` });
  await page.waitForFunction(() => typeof (globalThis as unknown as { render?: unknown }).render === 'function');
});
afterAll(async () => {
  await browser?.close();
});

const render = (text: string): Promise<Rendered> => page.evaluate((t) => (globalThis as unknown as { render(text: string): Rendered }).render(t), text);

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

  it("keeps an escaped backtick inside patchbot's code mark as a backtick in the code", async () => {
    const shown = await render(`run \`${hostText('echo `id`')}\` to see`);
    expect(shown.codes).toEqual(['echo `id`']);
    expect(shown.text).toBe('run echo `id` to see');
  });
});
