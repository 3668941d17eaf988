import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { recordTimeline } from './page-timeline.ts';

export const CHROMIUM = '/usr/bin/chromium';
/** Playwright's own default is 30 s: two such waits would outlast a 60 s test and hide which step hung. */
const STEP_TIMEOUT_MS = 20_000;
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
  /** Acts as another person through the picker, and waits until the page is theirs and live. */
  switchTo(person: string): Promise<void>;
  /** Types a line in the command box and presses Enter. */
  type(text: string): Promise<void>;
}

/**
 * Picks `person` and waits for their own live stream and channel list: the indicator names whose
 * stream it is, so the previous person's "live" is never taken for this one's.
 */
const pick = async (page: Page, person: string) => {
  await page.selectOption('#person', person);
  await page.locator(`#live[data-state="live"][data-person="${person}"]`).waitFor();
  await page.locator(`.nav-item[data-channel="dm:${person}"]`).waitFor();
};

/** A browser window of its own (its own localStorage) acting as `person`. */
export const openAs = async (browser: Browser, url: string, person: string, viewport = { width: 1280, height: 820 }): Promise<PersonPage> => {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  // One step that waits longer than this has failed: say which, well inside the test's own timeout.
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  // No sliding sidebar half-way through a screenshot.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  const { errors } = recordTimeline(page, `${person}'s window`);
  await page.goto(url);
  await expect.poll(() => page.locator('#person option').count()).toBeGreaterThan(0);
  await pick(page, person);
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
    switchTo: (other) => pick(page, other),
    type: async (text) => {
      await page.fill('#input', text);
      await page.press('#input', 'Enter');
    },
  };
  return pp;
};
