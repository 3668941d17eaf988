import type { Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { PersonPage } from './support/browser.ts';
import { consoleInChromium } from './support/console-in-chromium.ts';

/**
 * A request the server carried out but whose answer was lost (a dropped connection, a proxy's
 * 502): sent again from the page, it reuses its id and the server drops the repeat. Each route
 * below lets the first request reach the real service, then cuts the connection before the
 * browser sees the answer.
 */
const env = consoleInChromium();

/** Every request to `path` reaches the service; the first one's answer is lost on the way back. Returns the ids sent. */
const loseFirstAnswer = async (pp: PersonPage, path: string) => {
  const ids: string[] = [];
  await pp.page.route(
    (url) => url.pathname === path,
    async (route: Route) => {
      ids.push((route.request().postDataJSON() as { id: string }).id);
      if (ids.length > 1) return route.continue();
      await route.fetch();
      await route.abort('connectionreset');
    },
  );
  return ids;
};

describe('a lost answer, sent again', () => {
  it('proposes once when the proposal is sent again after its answer was lost', async () => {
    const alice = await env.open('alice');
    await alice.openChannel('approvals');
    const ids = await loseFirstAnswer(alice, '/api/console/messages');
    const proposals = async () => (await env.svc.store.changes.list({ limit: 100 })).filter((c) => c.title === 'KB5034441 to prod-web');
    expect(await proposals()).toEqual([]);
    await alice.type('/patch propose KB5034441 to prod-web');
    // Not answered: the line is given back to send again.
    await expect.poll(() => alice.page.inputValue('#input')).toBe('/patch propose KB5034441 to prod-web');
    await alice.page.press('#input', 'Enter');
    await expect.poll(() => ids.length).toBe(2);
    expect(ids[1]).toBe(ids[0]);
    await expect.poll(() => alice.page.inputValue('#input')).toBe('');
    expect(await proposals()).toHaveLength(1);
    expect(await alice.page.locator('.card-title', { hasText: /^CHG-\d+: KB5034441 to prod-web$/ }).count()).toBe(1);
  });

  it('counts a vote once when the click is repeated after its answer was lost', async () => {
    const change = (await env.svc.store.changes.list({ limit: 100 })).find((c) => c.title === 'KB5034441 to prod-web');
    const bob = await env.open('bob');
    await bob.openChannel('approvals');
    const ids = await loseFirstAnswer(bob, '/api/console/actions');
    const approve = async () => {
      await bob.approvalCard(change!.id).getByRole('button', { name: 'Approve', exact: true }).first().click();
      await bob.page.click('#confirm-ok');
    };
    await approve();
    await expect.poll(() => ids.length).toBe(1);
    await approve();
    await expect.poll(() => ids.length).toBe(2);
    expect(ids[1]).toBe(ids[0]);
    await expect.poll(async () => (await env.svc.store.votes.list(change!.id)).map((v) => v.person)).toEqual(['bob']);
    // The repeat was dropped, not refused as a second vote.
    expect(await bob.page.locator('.msg', { hasText: 'Vote not counted' }).count()).toBe(0);
  });

  it("keeps a card's buttons disabled while its click is being sent, though the card is redrawn meanwhile", async () => {
    const change = (await env.svc.store.changes.list({ limit: 100 })).find((c) => c.title === 'KB5034441 to prod-web')!;
    const dave = await env.open('dave');
    await dave.openChannel('approvals');
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await dave.page.route(
      (url) => url.pathname === '/api/console/actions',
      async (route) => {
        await held;
        await route.continue();
      },
    );
    const card = dave.approvalCard(change.id);
    await card.getByRole('button', { name: 'Approve', exact: true }).first().click();
    await dave.page.click('#confirm-ok');
    // carol votes from her own window meanwhile: dave's card is edited, so drawn again.
    const read = await fetch(`${env.svc.url}/api/console/channels/approvals/messages?as=carol`);
    const { messages } = (await read.json()) as { messages: Array<{ id: string; card?: { title: string } }> };
    const message = messages.find((m) => m.card?.title.startsWith(`${change.id}:`))!;
    const voted = await fetch(`${env.svc.url}/api/console/actions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messageId: message.id, actionId: 'change.approve', as: 'carol' }),
    });
    expect(voted.status).toBe(200);
    await expect.poll(() => card.locator('> .msg .card-text').first().innerText()).toMatch(/2 of 3 CAB approvals: bob, carol/);
    expect(await card.getByRole('button', { name: 'Approve', exact: true }).first().isDisabled()).toBe(true);
    expect(await card.getByRole('button', { name: 'Reject', exact: true }).first().isDisabled()).toBe(true);
    release();
    await expect.poll(async () => (await env.svc.store.votes.list(change.id)).map((v) => v.person).sort()).toEqual(['bob', 'carol', 'dave']);
  });
});
