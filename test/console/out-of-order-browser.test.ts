import { describe, expect, it } from 'vitest';
import { consoleInChromium } from './support/console-in-chromium.ts';

/**
 * What arrives out of order in the page. A thread whose root the page does not hold: the page
 * reads a channel's last 200 messages, so a card older than those (with no recent reply) is not
 * there when a reply to it arrives live; when the root arrives (it is edited), both must show as
 * one thread. And an answer to an older request that comes after a newer one's.
 */
const env = consoleInChromium();

describe('a reply that arrives before its root', () => {
  it('is drawn once, inside its thread, once the root arrives', { timeout: 120_000 }, async () => {
    const root = await env.svc.surface.post('announce', { title: 'old card: kernel update', text: 'posted long ago' });
    for (let i = 0; i < 205; i++) await env.svc.surface.post('announce', { title: `filler ${i}`, text: 'x' });
    const erin = await env.open('erin');
    await erin.openChannel('announce');
    await erin.page.locator('.card-title', { hasText: 'filler 204' }).waitFor();
    expect(await erin.page.locator('.card-title', { hasText: 'old card' }).count()).toBe(0);

    await env.svc.surface.reply(root, { title: 'reply to the old card', text: 'y' });
    await erin.page.locator('.card-title', { hasText: 'reply to the old card' }).waitFor();
    await env.svc.surface.update(root, { title: 'old card: kernel update (edited)', text: 'posted long ago' });
    const thread = erin.page.locator('.block', { has: erin.page.locator('.card-title', { hasText: 'old card: kernel update (edited)' }) });
    await thread.waitFor();
    expect(await thread.locator('.thread-count').textContent()).toBe('1 reply');
    // The reply's own block is gone: it is in the (folded) thread, and shows once when unfolded.
    expect(await erin.page.locator('.card-title', { hasText: 'reply to the old card' }).count()).toBe(0);
    await thread.locator('.thread-toggle').click();
    await expect.poll(() => erin.page.locator('.card-title', { hasText: 'reply to the old card' }).count()).toBe(1);
    expect(await thread.locator('.thread .card-title', { hasText: 'reply to the old card' }).count()).toBe(1);
    expect(erin.errors).toEqual([]);
  });
});

describe('a compliance report that answers late', () => {
  it('does not replace the newer report shown since', async () => {
    const dave = await env.open('dave');
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let asked = 0;
    await dave.page.route(
      (url) => url.pathname === '/api/console/compliance',
      async (route) => {
        if (++asked > 1) return route.continue();
        await held;
        await route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: 'the first request failed late' }) });
      },
    );
    await dave.page.click('#nav-compliance');
    await dave.openChannel('announce');
    await dave.page.click('#nav-compliance');
    await dave.page.locator('svg.chart').waitFor({ state: 'visible' });
    release();
    await expect.poll(() => dave.errors.some((e) => e.includes('500'))).toBe(true);
    expect(await dave.page.locator('#compliance').innerText()).not.toMatch(/Could not load the report/);
    expect(await dave.page.locator('svg.chart').count()).toBe(1);
  });
});
