import type { Page } from 'playwright-core';
import { onTestFailed } from 'vitest';

/**
 * What a page did, with times: every request and how it ended, script errors, console lines. A
 * browser test that times out names no line; printed when the test fails, this says which
 * request never came back or what was on screen instead.
 */
export interface PageTimeline {
  /** Script errors and console errors (a CSP violation shows up here). */
  errors: string[];
  /** The timeline, the requests still open and the end of what the page shows, as text. */
  describe(): Promise<string>;
}

const KEPT = 60;
const SHOWN_TEXT = 600;

export const recordTimeline = (page: Page, label: string): PageTimeline => {
  const started = Date.now();
  const lines: string[] = [];
  const errors: string[] = [];
  const open = new Map<object, string>();
  const note = (line: string) => {
    lines.push(`+${Date.now() - started} ms ${line}`);
    if (lines.length > KEPT) lines.shift();
  };
  const name = (url: string) => url.replace(/^https?:\/\/[^/]+/, '');
  page.on('request', (request) => {
    const what = `${request.method()} ${name(request.url())}`;
    open.set(request, what);
    note(`→ ${what}`);
  });
  page.on('requestfinished', async (request) => {
    open.delete(request);
    const response = await request.response().catch(() => null);
    note(`← ${response?.status() ?? '?'} ${request.method()} ${name(request.url())}`);
  });
  page.on('requestfailed', (request) => {
    open.delete(request);
    note(`✗ ${request.method()} ${name(request.url())}: ${request.failure()?.errorText ?? 'failed'}`);
  });
  page.on('pageerror', (error) => {
    errors.push(`pageerror: ${error.message}`);
    note(`pageerror: ${error.message}`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
    note(`console.${message.type()}: ${message.text()}`);
  });
  const describe = async () => {
    const screen = await page
      .locator('#messages')
      .innerText({ timeout: 2000 })
      .then((text) => text.slice(-SHOWN_TEXT))
      .catch((error: Error) => `(unreadable: ${error.message.split('\n')[0]})`);
    const live = await page
      .locator('#live')
      .getAttribute('data-state', { timeout: 2000 })
      .catch(() => '?');
    return [`${label}, live: ${live}`, ...lines.map((l) => `  ${l}`), `  still open: ${[...open.values()].join(', ') || 'none'}`, `  on screen (end): ${JSON.stringify(screen)}`].join('\n');
  };
  // Pages opened by a test are described when that test fails; outside a test there is nobody to tell.
  try {
    onTestFailed(async () => console.error(`${label} when the test failed:\n${await describe()}`));
  } catch {
    // opened in a hook
  }
  return { errors, describe };
};

/** Marks a test's own steps (store calls, broadcasts), printed with their times if the test fails. */
export const testSteps = (): ((label: string) => void) => {
  const started = Date.now();
  const steps: string[] = [];
  onTestFailed(() => console.error(`the test's steps:\n${steps.map((s) => `  ${s}`).join('\n')}`));
  return (label) => steps.push(`+${Date.now() - started} ms ${label}`);
};
