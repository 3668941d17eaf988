import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardWarnings, shownCard } from '../support/fake-teams/card-check.ts';
import { type FakePost, type FakeTeams, startFakeTeams } from '../support/fake-teams/index.ts';
import { CHANNEL_ANNOUNCE, startWithTeams, type TeamsService, USERS, waitFor } from './harness.ts';
import { localFarm } from '../support/local-farm.ts';

/**
 * A long answer in Teams, a page at a time, through the real `patchbot start` and the fake Bot
 * Framework: 40 hosts scanned at startup all miss openssl. A mention is answered in its thread
 * with 15 hosts and a Next button (Action.Execute); clicks by a stranger and a viewer post the
 * next pages in that same thread and tell the clicker so; together they name every host once. A
 * redelivered invoke is dropped, and the "+N more" line asks for the next page by @mention.
 */
const PATCH = 'deb:openssl@3.0.22-1~deb12u2';
const { names: NAMES, inventory: INVENTORY } = localFarm(40);
const OPS = '19:ops0000@thread.tacv2';

let fake: FakeTeams;
let bot: TeamsService;
let sender: ReturnType<FakeTeams['sender']>;

beforeAll(async () => {
  fake = await startFakeTeams({ users: Object.values(USERS) });
  bot = await startWithTeams(fake, { inventory: INVENTORY });
  sender = fake.sender(bot.url);
  await waitFor('the startup scan’s digest', () => fake.postsIn(CHANNEL_ANNOUNCE)[0], 150_000);
}, 180_000);
afterAll(async () => {
  await bot?.stop();
  await fake?.stop();
});

const hostsOn = (post: FakePost) => shownCard(post.card).text.match(/node-\d{3}/g) ?? [];
const clickBody = (answer: { body: Record<string, unknown> | null }) => answer.body as { statusCode: number; type: string; value: unknown };

describe('Teams: a long list, a page at a time', () => {
  it('pages through every host once in the mention’s thread, by whoever clicks Next', async () => {
    const mention = sender.mention(USERS.alice, OPS, `which servers are missing ${PATCH} in farm?`);
    await sender.send(mention);
    const first = await waitFor('page 1', () => fake.postsIn(OPS)[0], 30_000);
    expect(first.threadRoot).toBe(mention.id);
    expect(hostsOn(first)).toEqual(NAMES.slice(0, 15));
    // Teams has no slash commands: the next page is asked for by mention (no backticks: Adaptive Cards have no inline code).
    expect(shownCard(first.card).text).toContain(`+25 more — next 15: @patchbot missing ${PATCH} in farm page 2\n`);
    expect(shownCard(first.card).verbs).toEqual(['answer.page']);

    const clicked = await sender.send(sender.click(USERS.guest, first, 'answer.page'));
    expect(clickBody(clicked)).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: `Posted below: ${PATCH} is missing on 40 hosts in farm` });
    const second = await waitFor('page 2', () => fake.postsIn(OPS)[1], 30_000);
    expect(second.threadRoot).toBe(mention.id);
    expect(hostsOn(second)).toEqual(NAMES.slice(15, 30));

    // A redelivered invoke (same activity id) is answered once.
    const erins = sender.click(USERS.erin, second, 'answer.page');
    await sender.send(erins);
    const again = await sender.send(erins);
    expect(clickBody(again).value).toMatch(/^Already done/);
    const third = await waitFor('page 3', () => fake.postsIn(OPS)[2], 30_000);
    expect(third.threadRoot).toBe(mention.id);
    expect(shownCard(third.card).verbs).toEqual([]);
    await bot.logged('duplicate interaction dropped', { interaction: `invoke:${erins.id}` });
    expect(fake.postsIn(OPS)).toHaveLength(3);
    expect([first, second, third].flatMap(hostsOn)).toEqual(NAMES);
    for (const post of [first, second, third]) expect(cardWarnings(post.card!)).toEqual([]);
  });

  it('says a typed page past the end is past the end', async () => {
    const mention = sender.mention(USERS.bob, OPS, `missing ${PATCH} in farm page 9`);
    await sender.send(mention);
    const past = await waitFor('the answer', () => fake.postsIn(OPS).find((p) => p.threadRoot === mention.id), 30_000);
    expect(shownCard(past.card).text).toContain(`Page 9 is past the end: the list has 40, 3 pages of 15; the last is @patchbot missing ${PATCH} in farm page 3.`);
    expect(shownCard(past.card).verbs).toEqual([]);
  });
});
