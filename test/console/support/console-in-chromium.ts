import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium, openAs, type PersonPage } from './browser.ts';
import { type ConsoleService, startConsoleService } from './console-service.ts';

/** The real service (default estate) and Debian's Chromium for one test file: started before its tests, stopped after. */
export const consoleInChromium = (): { readonly svc: ConsoleService; open(person: string): Promise<PersonPage> } => {
  let svc: ConsoleService | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    svc = await startConsoleService();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await svc?.stop();
  });
  return {
    get svc() {
      return svc!;
    },
    open: (person) => openAs(browser!, svc!.url, person),
  };
};
