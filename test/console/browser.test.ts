import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proposeChange } from '../../src/changes/propose-change.ts';
import { loadApprovalCard } from '../../src/chat/changes/load-card.ts';
import { launchChromium, openAs, type PersonPage } from './support/browser.ts';
import { testSteps } from './support/page-timeline.ts';
import { type ConsoleService, startConsoleService } from './support/console-service.ts';

/**
 * The console in a real browser (Debian's chromium, driven by playwright-core) against the real
 * service: a CAB vote from proposal to decision, each person in a window of their own, every
 * update arriving live. Screenshots go to test-artifacts/console-*.png.
 */
let svc: ConsoleService;
let browser: Browser | undefined;
const pages: PersonPage[] = [];

beforeAll(async () => {
  svc = await startConsoleService();
  await svc.announce();
});
afterAll(async () => {
  await browser?.close();
  await svc?.stop();
});

const open = async (person: string, viewport?: { width: number; height: number }) => {
  browser ??= await launchChromium();
  const page = await openAs(browser, svc.url, person, viewport);
  pages.push(page);
  return page;
};

/** Clicks a card's button and confirms the dialog it asks for. */
const vote = async (pp: PersonPage, change: string, label: 'Approve' | 'Reject', screenshot?: string) => {
  await pp.approvalCard(change).getByRole('button', { name: label, exact: true }).first().click();
  const dialog = pp.page.locator('#confirm');
  await expect.poll(() => dialog.evaluate((d) => (d as unknown as { open: boolean }).open)).toBe(true);
  await expect.poll(() => pp.page.locator('#confirm-title').textContent()).toBe(`${label} ${change}?`);
  if (screenshot) await pp.screenshot(screenshot);
  await pp.page.click('#confirm-ok');
};

const cardText = (pp: PersonPage, change: string) => pp.approvalCard(change).locator('> .msg .card-text').first().innerText();

/**
 * The approval card's own buttons, not those of cards in its thread: while a maintenance window is
 * open the approved change starts at once, and its halt card (Resume / Roll back / Abort) joins the thread.
 */
const CARD_OWN_ACTIONS = '.card-actions:not(.thread .card-actions)';

describe('the console in chromium', () => {
  it('takes a production change from proposal to a CAB decision, live in every window', { timeout: 180_000 }, async () => {
    const alice = await open('alice');
    const bob = await open('bob');
    await alice.openChannel('approvals');
    await bob.openChannel('announce');
    await expect.poll(() => bob.page.locator('.card-title', { hasText: 'new patch' }).count()).toBeGreaterThan(0);
    // A title the scan found, with backticks of its own: shown as written, never as code (hostText).
    const openssl = bob.page.locator('.card li', { hasText: 'DSA-5600-1' }).first();
    expect(await openssl.textContent()).toContain('DSA-5600-1 openssl security update (fixes `SSL_read`)');
    expect(await openssl.locator('code').allTextContents()).toEqual(['DSA-5600-1']);

    // alice proposes; the approval card appears in her window and, live, as unread in bob's.
    await alice.type('/patch propose KB5034441 to prod-web');
    const title = alice.page.locator('.card-title', { hasText: /^CHG-\d+: KB5034441 to prod-web$/ });
    await title.waitFor();
    const change = (await title.textContent())!.split(':')[0]!;
    await expect.poll(() => alice.page.locator('.is-private .card-title').last().textContent()).toBe(`${change} proposed`);
    // Two unread for bob: alice's typed line and patchbot's card (her private ack is not his).
    await expect.poll(() => bob.page.locator('.nav-item[data-channel="approvals"] .unread-count').textContent()).toBe('2');
    await bob.screenshot('unread');
    await bob.openChannel('approvals');
    await expect.poll(() => cardText(bob, change)).toMatch(/0 of 3 CAB approvals/);

    // bob approves (confirming the dialog); alice's window updates the tally in place, no reload.
    // Page code runs in the browser; `globalThis` is its window (this project's TS has no DOM lib).
    await alice.page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));
    await vote(bob, change, 'Approve', 'confirm-dialog');
    await expect.poll(() => cardText(alice, change)).toMatch(/1 of 3 CAB approvals: bob/);
    expect(await alice.page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(42);
    expect(await alice.approvalCard(change).count()).toBe(1);
    await alice.screenshot('vote-live');

    // alice on her own change: a private refusal that bob never sees.
    await vote(alice, change, 'Approve');
    const refusal = alice.page.locator('.msg.is-private', { hasText: 'Vote not counted' });
    await refusal.waitFor();
    expect(await refusal.locator('.private-note').textContent()).toContain('Only visible to you');
    await alice.screenshot('private-refusal');
    await bob.page.waitForTimeout(1500); // a live push or a poll would have landed by now
    expect(await bob.page.locator('.msg', { hasText: 'Vote not counted' }).count()).toBe(0);
    await expect.poll(() => cardText(bob, change)).toMatch(/1 of 3 CAB approvals: bob$/m);

    // carol, then dave, through the person picker of one window: the third vote decides.
    const board = await open('carol');
    await board.openChannel('approvals');
    await vote(board, change, 'Approve');
    await expect.poll(() => cardText(alice, change)).toMatch(/2 of 3 CAB approvals: bob, carol/);
    await board.switchTo('dave');
    await board.openChannel('approvals');
    await vote(board, change, 'Approve');

    // The decision lands in the card's thread, and the buttons are gone, in alice's window too.
    const decision = alice.approvalCard(change).locator('.thread .card-title', { hasText: `${change} approved` });
    await decision.waitFor();
    await expect.poll(() => cardText(alice, change)).toMatch(/3 of 3 CAB approvals: bob, carol, dave/);
    expect(await decision.locator('xpath=../..').locator('.card-text').innerText()).toMatch(/Approved by dave at \d\d:\d\d UTC \(3 of 3\)/);
    expect(await alice.approvalCard(change).locator(CARD_OWN_ACTIONS).count()).toBe(0);
    // The thread also carries what the rollout says (scheduling, waves), so only the decision is asserted.
    expect(await alice.approvalCard(change).locator('.thread-count').textContent()).toMatch(/^\d+ repl(y|ies)$/);
    expect(await alice.approvalCard(change).locator('.thread .card-title').allTextContents()).toContain(`${change} approved`);
    await alice.screenshot('approvals');
    await expect.poll(() => bob.approvalCard(change).locator(CARD_OWN_ACTIONS).count()).toBe(0);

    // A question in the DM gets an answer there.
    await alice.openChannel('dm:alice');
    await alice.type('which servers are missing KB5034441?');
    await alice.page.locator('.msg-person.mine', { hasText: 'which servers are missing KB5034441?' }).waitFor();
    const answer = alice.page.locator('.msg-bot .card');
    await answer.first().waitFor();
    await expect.poll(() => answer.last().textContent()).toMatch(/web-01/);
    await alice.screenshot('dm');

    for (const pp of pages) expect(pp.errors, 'script or CSP errors in the page').toEqual([]);
  });

  it('stays in the channel (or view) on screen when the person picker switches person', { timeout: 60_000 }, async () => {
    const desk = await open('carol');
    const active = () => desk.page.locator('.nav-item.active').getAttribute('data-channel');
    const switchTo = (person: string) => desk.switchTo(person);
    await desk.openChannel('approvals');
    await switchTo('dave');
    expect(await active()).toBe('approvals');
    expect(await desk.page.locator('#channel-name').textContent()).toBe('# approvals');
    // A direct conversation becomes the new person's own.
    await desk.openChannel('dm:dave');
    await switchTo('bob');
    expect(await active()).toBe('dm:bob');
    // The compliance view stays the compliance view.
    await desk.page.click('#nav-compliance');
    await desk.page.locator('svg.chart').waitFor({ state: 'visible' });
    await switchTo('erin');
    await expect.poll(() => desk.page.locator('#nav-compliance.active').count()).toBe(1);
    await desk.page.locator('svg.chart').waitFor({ state: 'visible' });
    expect(desk.errors).toEqual([]);
  });

  it('is live for a newly picked person only once their own stream is, and keeps a channel picked while they load', { timeout: 60_000 }, async () => {
    const desk = await open('carol');
    await desk.openChannel('announce');
    // dave's channel list is held back, as a slow store would: the page is between two people.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await desk.page.route(
      (url) => url.pathname === '/api/console/channels' && url.searchParams.get('as') === 'dave',
      async (route) => {
        await held;
        await route.continue();
      },
    );
    await desk.page.selectOption('#person', 'dave');
    // carol's stream is closed: the indicator must not say live for dave on its strength.
    expect(await desk.page.locator('#live').getAttribute('data-state')).toBe('connecting');
    await desk.page.click('.nav-item[data-channel="approvals"]');
    release();
    await desk.page.locator('#live[data-state="live"][data-person="dave"]').waitFor();
    await desk.page.locator('.nav-item[data-channel="dm:dave"]').waitFor();
    // Where dave was taken while he loaded, not the channel carol was reading when he was picked.
    expect(await desk.page.locator('.nav-item.active').getAttribute('data-channel')).toBe('approvals');
    expect(await desk.page.locator('#channel-name').textContent()).toBe('# approvals');
    expect(desk.errors).toEqual([]);
  });

  it('says when a person could not be loaded, and loads them by itself once the server answers', { timeout: 60_000 }, async () => {
    const desk = await open('carol');
    let refused = 0;
    await desk.page.route(
      (url) => url.pathname === '/api/console/channels' && url.searchParams.get('as') === 'erin',
      async (route) => {
        if (refused++ === 0) return route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: 'The database is unavailable, try again in a moment.' }) });
        return route.continue();
      },
    );
    await desk.page.selectOption('#person', 'erin');
    await desk.page.locator('#messages', { hasText: "Could not load erin's channels: The database is unavailable, try again in a moment. Trying again…" }).waitFor();
    expect(await desk.page.locator('#live').getAttribute('data-state')).toBe('offline');
    await desk.page.locator('#live[data-state="live"][data-person="erin"]').waitFor();
    await desk.page.locator('.nav-item[data-channel="dm:erin"]').waitFor();
    expect(refused).toBe(2);
    // The failed read was a 503 from the route above: the only console error expected.
    expect(desk.errors).toEqual([expect.stringMatching(/503/)]);
  });

  it('summarises a 143-patch approval card and opens the full list with one click', { timeout: 60_000 }, async () => {
    const step = testSteps();
    const at = new Date();
    const ids = Array.from({ length: 143 }, (_, i) => `deb:lib${String(i).padStart(3, '0')}@2.${i}-1`);
    await svc.store.scans.start('scan-143', 'test', [], at);
    await svc.store.patches.upsert(
      ids.map((id, i) => ({ id, title: `lib${i} update`, severity: i < 2 ? ('critical' as const) : ('low' as const), security: true, cves: [], rebootHint: false, firstSeen: at })),
      'scan-143',
    );
    step('patches stored');
    const change = await proposeChange(
      svc.store,
      { approval: svc.service.runtime.config.approval, windows: ['weeknights'] },
      { patches: ids, targets: ['staging'], window: 'weeknights', class: 'normal', requester: 'alice', now: at },
    );
    step(`${change.id} proposed`);
    await svc.broadcast('approvals', await loadApprovalCard(svc.store, change, { schedule: svc.service.runtime.config, now: at }));
    step('card posted');
    const dave = await open('dave');
    await dave.openChannel('approvals');
    step('channel open');
    const card = dave.approvalCard(change.id);
    const what = card.locator('.field', { hasText: 'What' }).locator('.field-value').first();
    await expect
      .poll(() => what.innerText())
      .toMatch(/^143 patches: 2 critical, 141 low\. Most urgent: deb:lib000@2\.0-1 \(critical\), deb:lib001@2\.1-1 \(critical\), deb:lib002@2\.2-1 \(low\), \+140 more/);
    // A few lines of text, not a column of 143 ids (thousands of pixels).
    expect((await what.boundingBox())!.height).toBeLessThan(300);
    await dave.screenshot('approval-143');
    step('summary shown');
    await card.getByRole('button', { name: 'All 143 patches' }).first().click();
    const list = dave.page.locator('.msg.is-private .card', { hasText: `${change.id}: 143 patches` });
    await list.waitFor();
    const text = await list.innerText();
    expect(ids.filter((id) => text.includes(id))).toEqual(ids);
    expect(text).not.toMatch(/\+\d+ more/);
    await dave.screenshot('patch-list');
    expect(dave.errors).toEqual([]);
  });

  it('renders hostile card text as text, never as markup', { timeout: 60_000 }, async () => {
    const erin = await open('erin');
    await erin.openChannel('announce');
    await svc.broadcast('announce', {
      title: '<img src=x onerror="window.pwned=1">',
      text: 'Plain *bold* and `code`\n<script>window.pwned=2</script>',
      fields: [{ label: '<b>Field</b>', value: '<img src=y onerror="window.pwned=3">' }],
      lists: [{ heading: '<u>list</u>', items: ['<svg onload="window.pwned=4">'], more: '+2 more — <a href="javascript:alert(1)">all</a>' }],
      actions: [{ id: 'x.y', label: '<i>Click</i>', style: 'primary', value: 'v' }],
      context: '<style>body{display:none}</style>',
    });
    const card = erin.page.locator('.card', { hasText: 'onerror="window.pwned=1"' });
    await card.waitFor();
    expect(await card.locator('.card-title').textContent()).toBe('<img src=x onerror="window.pwned=1">');
    expect(await card.locator('strong').textContent()).toBe('bold');
    expect(await card.locator('code').textContent()).toBe('code');
    expect(await card.locator('button').textContent()).toBe('<i>Click</i>');
    expect(await card.locator('img, script, svg, style, a, u, b, i').count()).toBe(0);
    await erin.screenshot('announce');
    await erin.type('<img src=z onerror="window.pwned=5"> is this *safe*?');
    await erin.page.locator('.msg-person.mine', { hasText: 'onerror="window.pwned=5"' }).waitFor();
    expect(await erin.page.evaluate(() => (globalThis as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(await erin.page.locator('#messages img').count()).toBe(0);
    await erin.screenshot('hostile-typed');
    await erin.page.click('#nav-compliance');
    await erin.page.locator('svg.chart').waitFor({ state: 'visible' });
    await erin.screenshot('compliance');
  });

  it('works at phone width, and draws compliance per group', { timeout: 60_000 }, async () => {
    const dave = await open('dave', { width: 390, height: 844 });
    await dave.openChannel('approvals');
    await dave.screenshot('phone');
    await dave.page.click('#menu');
    await dave.page.locator('.nav-open').waitFor();
    await dave.screenshot('phone-menu');
    await dave.page.click('#nav-compliance');
    await dave.page.locator('svg.chart').waitFor({ state: 'visible' });
    expect(await dave.page.locator('svg.chart .chart-label').allTextContents()).toEqual(['prod-web', 'staging']);
    // staging's only host is 40 days late on a critical fix: an empty red bar, said in words too.
    expect(await dave.page.locator('svg.chart g > title').allTextContents()).toEqual([
      expect.stringMatching(/^prod-web: (compliant|at risk), 100% · 2 hosts$/),
      'staging: overdue, 0% · 1 host',
    ]);
    expect(await dave.page.locator('svg.chart .bar-overdue').count()).toBe(1);
    await dave.screenshot('phone-compliance');
    expect(dave.errors).toEqual([]);
  });
});
