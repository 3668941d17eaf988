import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openAs } from './support/browser.ts';
import { type ConsoleService, startConsoleService, WEB_ESTATE } from './support/console-service.ts';
import { call } from './support/http.ts';

/**
 * The digest's *Propose rollout* in the console, in a real browser: a select of the maintenance
 * windows (each with its next opening) beside the button; the person picks one and the approval
 * card names it. The production policy here does not allow an immediate start: `now` is not
 * offered, a forged pick of it is refused by the API, and `at now` by command is refused with
 * the reason.
 */
let svc: ConsoleService;
let browser: Browser | undefined;

beforeAll(async () => {
  svc = await startConsoleService({
    estate: { ...WEB_ESTATE, yaml: `${WEB_ESTATE.yaml}approval:\n  production: { voters: [role:cab], quorum: 3, rejectWins: true, allowNow: false }\n` },
  });
  await svc.announce();
});
afterAll(async () => {
  await browser?.close();
  await svc?.stop();
});

describe('the console: choosing the window from the digest', () => {
  it('offers the windows, refuses a `now` nobody was offered, and proposes in the window picked', { timeout: 120_000 }, async () => {
    browser = await launchChromium();
    const alice = await openAs(browser, svc.url, 'alice');
    await alice.openChannel('announce');
    const select = alice.page.locator('select[data-choice-for="digest.propose"]');
    await select.waitFor();
    expect(await select.locator('option').evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value))).toEqual(['weeknights', 'weekend']);
    expect(await select.locator('option').nth(1).textContent()).toMatch(/^weekend — opens \w{3} \d{1,2} \w{3} \d{4} \d\d:00 UTC$/);

    // A pick the card does not offer is refused before anything happens.
    const { body } = await call(svc.url, 'GET', '/channels/announce/messages?as=alice');
    const digest = (body.messages as { id: string; card?: { title: string } }[]).find((m) => m.card?.title.endsWith('found'))!;
    const forged = await call(svc.url, 'POST', '/actions', { messageId: digest.id, actionId: 'digest.propose', choice: 'now', as: 'alice' });
    expect(forged).toMatchObject({ status: 400, body: { error: `button "digest.propose" of message ${digest.id} has no choice "now"; it offers weeknights, weekend` } });
    expect(await svc.store.changes.list({ limit: 5 })).toEqual([]);

    await select.selectOption('weekend');
    await alice.screenshot('digest-window');
    await alice.page.getByRole('button', { name: 'Propose rollout', exact: true }).click();
    await alice.openChannel('approvals');
    const when = alice.page.locator('.field', { has: alice.page.locator('.field-label', { hasText: /^When$/ }) }).locator('.field-value');
    await expect.poll(() => when.first().textContent()).toMatch(/^window weekend: next opens \w{3} \d{1,2} \w{3} \d{4} \d\d:00 UTC for 1h$/);
    expect((await svc.store.changes.list({ limit: 5 }))[0]).toMatchObject({ window: 'weekend', requester: 'alice' });

    await alice.type('/patch propose KB5034441 to prod-web at now');
    await expect.poll(() => alice.page.locator('.msg.is-private', { hasText: 'An immediate start is not allowed for prod-web' }).count()).toBe(1);
    expect(await alice.page.locator('.msg.is-private', { hasText: 'An immediate start is not allowed' }).innerText()).toMatch(/policy production sets allowNow: false/);
    expect(alice.errors).toEqual([]);
  });
});
