import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = join(import.meta.dirname, '..', '..', '..', 'test-artifacts');

/** Debian's chromium, headless. Missing, it is a failure that says how to fix it, never a skip. */
export const launchChromium = async (): Promise<Browser> => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}; the console's browser test needs it. Run \`bash scripts/test-deps.sh\` (apt-get install chromium).`);
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
};

export interface PersonPage {
  page: Page;
  /** Script errors and console errors (a CSP violation shows up here). */
  errors: string[];
  screenshot(name: string): Promise<void>;
  /** The message block of a change's approval card. */
  approvalCard(change: string): ReturnType<Page['locator']>;
  openChannel(name: string): Promise<void>;
  /** Types a line in the command box and presses Enter. */
  type(text: string): Promise<void>;
}

/** A browser window of its own (its own localStorage) acting as `person`. */
export const openAs = async (browser: Browser, url: string, person: string, viewport = { width: 1280, height: 820 }): Promise<PersonPage> => {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  // No sliding sidebar half-way through a screenshot.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  await page.goto(url);
  await expect.poll(() => page.locator('#person option').count()).toBeGreaterThan(0);
  await page.selectOption('#person', person);
  await page.locator('#live[data-state="live"]').waitFor();
  const pp: PersonPage = {
    page,
    errors,
    screenshot: async (name) => {
      await page.screenshot({ path: join(ARTIFACTS, `console-${name}.png`) });
    },
    approvalCard: (change) => page.locator('.block', { has: page.locator('.card-title', { hasText: `${change}:` }) }),
    openChannel: async (name) => {
      const sidebarClosed = (await page.locator('#sidebar').boundingBox())?.x ?? 0;
      if (sidebarClosed < 0) await page.click('#menu');
      await page.click(`.nav-item[data-channel="${name}"]`);
      await expect.poll(() => page.locator('#channel-name').textContent()).toBe(name.startsWith('dm:') ? 'patchbot' : `# ${name}`);
    },
    type: async (text) => {
      await page.fill('#input', text);
      await page.press('#input', 'Enter');
    },
  };
  return pp;
};
