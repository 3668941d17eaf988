import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openAs, type PersonPage } from './support/browser.ts';
import { type ConsoleService, startConsoleService } from './support/console-service.ts';
import { call } from './support/http.ts';
import { APP_HOSTS, OPENSSL, PATCHED_ALREADY, WAVES_ESTATE } from './support/waves-estate.ts';

/**
 * The waves chart under a change's approval card, in chromium, while the change really runs: an
 * emergency change to seven app servers (dry run) goes through its pilot and first wave and
 * soaks there, and the open window redraws the chart from each edit of the card, no reload.
 * Screenshots: test-artifacts/console-waves.png and console-waves-phone.png.
 */
let svc: ConsoleService;
let browser: Browser | undefined;

beforeAll(async () => {
  svc = await startConsoleService({ estate: WAVES_ESTATE });
});
afterAll(async () => {
  await browser?.close();
  await svc?.stop();
});

const open = async (person: string, viewport?: { width: number; height: number }) => {
  browser ??= await launchChromium();
  return openAs(browser, svc.url, person, viewport);
};

const chartOf = (pp: PersonPage, change: string) => pp.approvalCard(change).locator(`section.waves[data-change="${change}"] svg.waves-chart`);
const cellHosts = (pp: PersonPage, change: string, kind: string) =>
  chartOf(pp, change)
    .locator(`rect.cell.kind-${kind}`)
    .evaluateAll((cells) => cells.map((c) => c.getAttribute('data-host')));

describe('the waves chart', () => {
  it('draws a running change wave by wave, as the store says (dry run: would patch, never patched), live', { timeout: 120_000 }, async () => {
    const dave = await open('dave', { width: 1280, height: 1000 });
    await dave.openChannel('approvals');

    const proposed = await call(svc.url, 'POST', '/messages', { channel: 'approvals', as: 'alice', text: `/patch propose ${OPENSSL} to prod-app emergency` });
    expect(proposed.body).toMatchObject({ ok: true, data: { class: 'emergency' } });
    const change = proposed.body.data.change as string;

    // Before approval: three waves, seven grey cells, the pilot marked.
    const chart = chartOf(dave, change);
    await chart.waitFor();
    expect(await chart.locator('rect.cell').count()).toBe(APP_HOSTS.length);
    expect(await cellHosts(dave, change, 'pending')).toHaveLength(APP_HOSTS.length);
    expect(await chart.locator('.wave-row .waves-name').allTextContents()).toEqual(['pilot', 'first-half', 'second-half']);
    expect(await chart.locator('.wave-row[data-wave="0"] .waves-pilot').textContent()).toBe('PILOT');
    expect(await chart.locator('.wave-highlight').count()).toBe(0);
    expect(await dave.approvalCard(change).locator('.waves-summary').textContent()).toMatch(/^Not started: waits for approval · 3 waves, 7 hosts$/);

    // dave approves; everything after arrives as edits of the card and replies in its thread.
    await dave.page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 7));
    await dave.approvalCard(change).getByRole('button', { name: 'Approve', exact: true }).click();
    if (await dave.page.locator('#confirm[open]').count()) await dave.page.click('#confirm-ok');

    // The rollout soaks after its first wave (5 minutes, an emergency's most): the store holds still.
    await expect.poll(async () => (await svc.store.rollouts.progress(change))?.phase, { timeout: 60_000 }).toBe('soaking');
    const runs = await svc.store.rollouts.runs(change);
    // Dry run: nothing was patched; the hosts would have been, and the chart says exactly that.
    const patched = runs.filter((r) => r.state === 'dry-run').map((r) => r.host);
    expect(patched).toEqual(['app-01', 'app-02', 'app-04']);
    expect(runs.find((r) => r.host === PATCHED_ALREADY)?.state).toBe('not-needed');

    // The chart shows exactly that, without a reload.
    await expect.poll(() => cellHosts(dave, change, 'would-patch'), { timeout: 15_000 }).toEqual(patched);
    expect(await cellHosts(dave, change, 'patched')).toEqual([]);
    expect(await cellHosts(dave, change, 'not-needed')).toEqual([PATCHED_ALREADY]);
    expect(await cellHosts(dave, change, 'pending')).toEqual(['app-05', 'app-06', 'app-07']);
    expect(await cellHosts(dave, change, 'failed')).toEqual([]);
    expect(await dave.page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(7);

    // The current wave is highlighted; each wave says its failure budget.
    expect(await chart.locator('.wave-highlight').count()).toBe(1);
    expect(await chart.locator('.wave-row:has(.wave-highlight)').getAttribute('data-wave')).toBe('1');
    expect(await chart.locator('.waves-fail').allTextContents()).toEqual(['0/0 failures', '0/1 failures', '0/1 failures']);
    expect(await chart.locator('.wave-row[data-wave="1"] .waves-status').textContent()).toMatch(/^soaking until (?:[A-Z][a-z]{2} \d{1,2}, )?\d\d:\d\d( [AP]M)?$/);
    expect(await dave.approvalCard(change).locator('.waves-summary').textContent()).toMatch(
      /^Running wave 2 of 3 \(first-half\): soaking until (?:[A-Z][a-z]{2} \d{1,2}, )?\d\d:\d\d( [AP]M)? · dry run$/,
    );

    // Said in words too: a title and a description for the image, a title per wave and per host.
    expect(await chart.getAttribute('role')).toBe('img');
    expect(await chart.locator('> title').textContent()).toMatch(new RegExp(`^Waves of ${change}: Running wave 2 of 3`));
    expect(await chart.locator('> desc').textContent()).toContain('Wave 2, first-half: 3 hosts — 2 would patch (dry run), 1 not needed; 0 of 1 failures allowed; soaking until');
    expect(await chart.locator(`rect[data-host="${PATCHED_ALREADY}"] > title`).textContent()).toBe(`${PATCHED_ALREADY}: not needed (batch 1)`);
    const legend = await dave.approvalCard(change).locator('.waves-legend li').allInnerTexts();
    expect(legend.map((t) => t.replace(/\s+/g, ' ').trim())).toEqual(['patched 0', 'would patch (dry run) 3', 'running 0', 'pending 3', 'failed 0', 'accepted 0', 'not needed 1']);

    // The thread's replies push the card up: fold them, so the card and its chart are in the picture.
    const toggle = dave.approvalCard(change).locator('.thread-toggle');
    if ((await toggle.getAttribute('aria-expanded')) === 'true') await toggle.click();
    await dave.approvalCard(change).evaluate((block) => block.scrollIntoView({ block: 'start' }));
    await dave.screenshot('waves');

    // At phone width the chart changes layout rather than shrinking its text. erin is on a bad
    // connection: her first fetch of the chart fails, the panel says so and tries again by itself.
    const erin = await open('erin', { width: 390, height: 844 });
    let refused = 0;
    await erin.page.route('**/api/console/changes/*/waves?*', (route) =>
      refused++ ? route.continue() : route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: 'the store is restarting' }) }),
    );
    await erin.openChannel('approvals');
    const panel = erin.approvalCard(change).locator('section.waves');
    await expect.poll(() => panel.textContent(), { timeout: 15_000 }).toBe('Waves unavailable: the store is restarting. Trying again…');
    const small = chartOf(erin, change);
    // What the panel shows instead, when the chart is not there: a failure says why, not just "0".
    const wouldPatchOrPanel = async () => (await small.locator('rect.cell.kind-would-patch').count()) || (await panel.textContent());
    await expect.poll(wouldPatchOrPanel, { timeout: 20_000 }).toBe(patched.length);
    // The 503, then the retry that drew it (a later edit of the change may fetch again: at least two).
    expect(refused).toBeGreaterThanOrEqual(2);
    // Narrow: the cells start at the left edge, under the wave's name; drawn at its own width, so 13px text is 13px.
    expect(await small.locator('rect.cell').first().getAttribute('x')).toBe('10');
    const box = (await small.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    expect(Number((await small.getAttribute('viewBox'))!.split(' ')[2])).toBeCloseTo(box.width, -1);
    await erin.approvalCard(change).locator('section.waves').scrollIntoViewIfNeeded();
    await erin.screenshot('waves-phone');

    expect(dave.errors, 'script or CSP errors in the page').toEqual([]);
    // The refused fetch is the one error erin's page logs (the browser's own line for a 503).
    expect(erin.errors).toEqual(['console: Failed to load resource: the server responded with a status of 503 (Service Unavailable)']);
  });

  it('fetches each chart again after a person switch: the change may have moved while no stream was open', async () => {
    const proposed = await call(svc.url, 'POST', '/messages', { channel: 'approvals', as: 'alice', text: `/patch propose ${OPENSSL} to prod-app` });
    expect(proposed.body).toMatchObject({ ok: true });
    const change = proposed.body.data.change as string;
    const tab = await open('dave');
    const fetched: string[] = [];
    tab.page.on('request', (r) => r.url().includes(`/changes/${change}/waves`) && fetched.push(new URL(r.url()).searchParams.get('as') ?? ''));
    await tab.openChannel('approvals');
    await chartOf(tab, change).waitFor();
    expect(fetched).toEqual(['dave']);

    // The chart is drawn at once from the answer held, and asked for again as the new person.
    await tab.switchTo('erin');
    await expect.poll(() => fetched).toEqual(['dave', 'erin']);
    await chartOf(tab, change).waitFor();
    expect(tab.errors).toEqual([]);
  });

  it('lets go of a chart panel its card replaced before it came near the screen', async () => {
    const propose = async () => {
      const proposed = await call(svc.url, 'POST', '/messages', { channel: 'approvals', as: 'alice', text: `/patch propose ${OPENSSL} to prod-app` });
      expect(proposed.body).toMatchObject({ ok: true });
      return proposed.body.data.change as string;
    };
    // The oldest of five cards, scrolled far out of a short window: its chart is never asked for.
    const first = await propose();
    for (let i = 0; i < 4; i++) await propose();
    const tab = await open('dave', { width: 1280, height: 500 });
    // What the page's observer still watches, and which of it is no longer in the page.
    await tab.page.context().addInitScript(`{
      const watched = new Set();
      globalThis.detachedWatched = () => [...watched].filter((e) => !e.isConnected).length;
      const { observe, unobserve } = IntersectionObserver.prototype;
      IntersectionObserver.prototype.observe = function (el) { watched.add(el); observe.call(this, el); };
      IntersectionObserver.prototype.unobserve = function (el) { watched.delete(el); unobserve.call(this, el); };
    }`);
    await tab.page.reload();
    await tab.page.locator('#live[data-state="live"][data-person="dave"]').waitFor();
    await tab.openChannel('approvals');
    const panel = tab.approvalCard(first).locator('section.waves');
    await expect.poll(() => panel.textContent()).toBe('Loading waves…');

    // Its card is edited (rejected): the block is drawn again, with a new panel.
    const rejected = await call(svc.url, 'POST', '/messages', { channel: 'approvals', as: 'dave', text: `/patch reject ${first} not this week` });
    expect(rejected.body).toMatchObject({ ok: true });
    await expect.poll(() => tab.approvalCard(first).innerText()).toMatch(/Rejected by dave/);
    await expect.poll(() => tab.page.evaluate(() => (globalThis as unknown as { detachedWatched: () => number }).detachedWatched())).toBe(0);
    expect(tab.errors).toEqual([]);
  });
});
