import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shownCard } from '../support/fake-teams/card-check.ts';
import { type FakeTeams, startFakeTeams } from '../support/fake-teams/index.ts';
import { CHANNEL_ANNOUNCE, CHANNEL_APPROVALS, startWithTeams, type TeamsService, USERS, waitFor } from './harness.ts';

/**
 * Teams sometimes accepts a channel post with 202 and no id. patchbot builds nothing on the id it
 * did not get: the post is never edited by a guessed id, and a click on it still updates it,
 * because the click's invoke names the card's activity itself.
 */
let fake: FakeTeams;
let bot: TeamsService;

beforeAll(async () => {
  fake = await startFakeTeams({ users: Object.values(USERS) });
  bot = await startWithTeams(fake);
  await waitFor('the digest', () => fake.postsIn(CHANNEL_ANNOUNCE)[0], 90_000);
}, 180_000);
afterAll(async () => {
  await bot?.stop();
  await fake?.stop();
});

describe('Teams: a post accepted without an id', () => {
  it('is logged, not edited by a guessed id, and still updated through the click that names it', async () => {
    fake.acceptWithoutId(1);
    const sender = fake.sender(bot.url);
    await sender.send(sender.personal(USERS.alice, 'propose deb:openssl@3.0.22-1~deb12u2 to prod-web'));
    const card = await waitFor('the approval card', () => fake.postsIn(CHANNEL_APPROVALS).find((p) => shownCard(p.card).title.startsWith('CHG-1:')), 30_000);
    await bot.logged('teams accepted a post without an id; it cannot be edited');
    const answer = await sender.send(sender.click(USERS.bob, card, 'change.approve'));
    expect(shownCard((answer.body as { value: Record<string, unknown> }).value).text).toContain('1 of 3 CAB approvals: bob');
    await waitFor('the shared edit', () => shownCard(card.card).text.includes('1 of 3 CAB approvals: bob'));
    // No PUT went to an id patchbot made up.
    expect(fake.connectorCalls().filter((c) => c.method === 'PUT' && c.status === 404)).toEqual([]);
    expect(bot.logs().filter((l) => l.msg === 'teams card update failed')).toEqual([]);
  });
});
