import { describe, expect, it } from 'vitest';
import { cardWarnings, shownCard } from '../support/fake-teams/card-check.ts';
import { type FakePost } from '../support/fake-teams/index.ts';
import { CHANNEL_ANNOUNCE, CHANNEL_APPROVALS, teamsForFile, USERS, waitFor } from './harness.ts';

/**
 * The patch loop through Teams, with botbuilder's CloudAdapter in the real service (a child
 * process) and the fake Bot Framework around it: the digest, questions in a 1:1 chat and by
 * mention in a channel thread, a change proposed, a CAB vote by Action.Execute clicks (refusals,
 * a redelivered invoke, a 429 on the way), the card edited in place and locked. Every check is on
 * what the clicker got back or what the fake Connector ends up holding.
 */

const PATCH = 'deb:openssl@3.0.22-1~deb12u2';
const teams = teamsForFile();

const chatOf = (user: (typeof USERS)[keyof typeof USERS]) => `a:1${user.aadObjectId}`;
const botPostsIn = (conversation: string) => teams.fake.postsIn(conversation);
const approvalCard = () => teams.fake.postsIn(CHANNEL_APPROVALS).find((p) => !p.threadRoot);
const clickBody = (answer: { body: Record<string, unknown> | null }) => answer.body as { statusCode: number; type: string; value: unknown };

describe('Teams: the patch loop', () => {
  it('posts the startup scan’s digest to the announce channel as a top-level Adaptive Card', async () => {
    const digest = await waitFor('the digest', () => teams.fake.postsIn(CHANNEL_ANNOUNCE)[0], 90_000);
    expect(digest.threadRoot).toBeUndefined();
    const shown = shownCard(digest.card);
    expect(shown.title).toMatch(/^\d+ new patches found$/);
    expect(shown.text).toMatch(/\+\d+ more — pending lists them a page at a time; missing with a patch id names its hosts/);
    expect(shown.verbs).toEqual(['digest.propose', 'digest.defer']);
    expect(digest.card?.version).toBe('1.5');
  });

  it('answers help and a question in a 1:1 chat, in that chat', async () => {
    expect((await teams.sender.send(teams.sender.personal(USERS.carol, 'help'))).status).toBe(200);
    const help = await waitFor('help', () => botPostsIn(chatOf(USERS.carol))[0]);
    expect(shownCard(help.card).text).toMatch(/propose/);
    await teams.sender.send(teams.sender.personal(USERS.carol, 'status web-01'));
    const status = await waitFor('the status answer', () => botPostsIn(chatOf(USERS.carol))[1]);
    expect(`${shownCard(status.card).title}\n${shownCard(status.card).text}`).toMatch(/web-01/);
  });

  it('answers a mention in a channel in that message’s thread, also for someone who is no configured person', async () => {
    const ops = '19:ops0000@thread.tacv2';
    const mention = teams.sender.mention(USERS.guest, ops, `which servers are missing ${PATCH}?`);
    expect((await teams.sender.send(mention)).status).toBe(200);
    const answer = await waitFor('the answer', () => botPostsIn(ops)[0]);
    // Sent to the mention's own thread: `19:ops…;messageid=<the mention's id>`.
    expect(answer).toMatchObject({ conversation: `${ops};messageid=${mention.id}`, threadRoot: mention.id });
    expect(shownCard(answer.card).text).toContain('web-01');
    // A mention inside that thread is answered in the same thread, not at the top of the channel.
    await teams.sender.send(teams.sender.mention(USERS.alice, ops, 'status web-01', mention.id));
    const second = await waitFor('the threaded answer', () => botPostsIn(ops)[1]);
    expect(second.threadRoot).toBe(mention.id);
    expect(botPostsIn(ops).filter((p) => !p.threadRoot)).toEqual([]);
  });

  it('proposes a change from a 1:1 chat: the approval card to the approvals channel, the receipt in the chat', async () => {
    await teams.sender.send(teams.sender.personal(USERS.alice, `propose ${PATCH} to prod-web`));
    const card = await waitFor('the approval card', approvalCard, 30_000);
    const shown = shownCard(card.card);
    expect(shown.title).toMatch(/^CHG-1: /);
    expect(shown.text).toContain('0 of 3 CAB approvals');
    expect(shown.verbs).toEqual(['change.approve', 'change.reject']);
    const receipt = await waitFor('the receipt', () => botPostsIn(chatOf(USERS.alice)).find((p) => /CHG-1 proposed/.test(shownCard(p.card).title)));
    expect(receipt).toBeDefined();
  });

  it.each([
    ['the requester approving her own change', USERS.alice, /separation of duties/],
    ['a viewer, who may not vote', USERS.erin, /Only role:cab members can vote on this change \(you have: viewer\)/],
    ['a Teams user who is no configured person', USERS.guest, /Only configured people can vote on changes/],
  ])('refuses %s privately in the invoke response and leaves the shared card as it was', async (_who, user, reason) => {
    const card = approvalCard()!;
    const before = card.cards.length;
    const answer = await teams.sender.send(teams.sender.click(user, card, 'change.approve'));
    expect(answer.status).toBe(200);
    expect(clickBody(answer)).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message' });
    expect(String(clickBody(answer).value)).toMatch(reason);
    await teams.bot.logged('teams click handled', { user: user.aadObjectId });
    expect(card.cards).toHaveLength(before);
    expect(approvalCard()).toBe(card);
  });

  it('counts a CAB click (bob, known by his roster email): the clicker sees the new card, the shared card is edited in place', async () => {
    const card = approvalCard()!;
    const answer = await teams.sender.send(teams.sender.click(USERS.bob, card, 'change.approve'));
    expect(clickBody(answer)).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(shownCard(clickBody(answer).value as Record<string, unknown>).text).toContain('1 of 3 CAB approvals: bob');
    await waitFor('the shared edit', () => shownCard(card.card).text.includes('1 of 3 CAB approvals: bob'));
    expect(teams.fake.postsIn(CHANNEL_APPROVALS).filter((p) => !p.threadRoot)).toHaveLength(1);
  });

  it('handles a redelivered invoke (same activity id) once', async () => {
    const card = approvalCard()!;
    const click = teams.sender.click(USERS.carol, card, 'change.approve');
    const first = await teams.sender.send(click);
    expect(shownCard(clickBody(first).value as Record<string, unknown>).text).toContain('2 of 3 CAB approvals: bob, carol');
    const again = await teams.sender.send(click);
    expect(again.status).toBe(200);
    expect(clickBody(again)).toMatchObject({ type: 'application/vnd.microsoft.activity.message', value: expect.stringMatching(/^Already done/) });
    await teams.bot.logged('duplicate interaction dropped', { interaction: `invoke:${click.id}` });
    await waitFor('the shared edit', () => shownCard(card.card).text.includes('2 of 3 CAB approvals: bob, carol'));
  });

  it('decides with the third vote through a 429: card locked for everyone, decision in its thread, nothing twice', async () => {
    const card = approvalCard()!;
    const firstCard = card.cards[0]!;
    teams.fake.rateLimit(2, 1);
    const answer = await teams.sender.send(teams.sender.click(USERS.dave, card, 'change.approve'));
    expect(answer.status).toBe(200);
    const decided = () => teams.fake.postsIn(CHANNEL_APPROVALS).filter((p) => p.threadRoot === card.id && shownCard(p.card).title === 'CHG-1 approved');
    await waitFor('the decision in the thread', () => decided().length > 0, 30_000);
    await waitFor('the locked card', () => shownCard(card.card).text.includes('3 of 3 CAB approvals: bob, carol, dave') && shownCard(card.card).verbs.length === 0);
    expect(teams.fake.connectorCalls().filter((c) => c.status === 429)).toHaveLength(2);
    await teams.bot.logged('teams connector asked to wait', { status: 429, waitMs: 1000 });
    expect(decided()).toHaveLength(1);
    expect(teams.fake.postsIn(CHANNEL_APPROVALS).filter((p) => !p.threadRoot)).toHaveLength(1);

    // A late vote from a stale copy of the card (the buttons it still shows) changes nothing.
    const edits = card.cards.length;
    const late = await teams.sender.send(teams.sender.click(USERS.bob, { ...card, card: firstCard }, 'change.reject'));
    expect(clickBody(late)).toMatchObject({ type: 'application/vnd.microsoft.activity.message', value: expect.stringMatching(/already approved/) });
    // Edits already queued before the late click may still land (a 429 retry, a coalesced update),
    // so the check is on what every later edit shows: the locked decision, never bob's reject.
    for (const later of card.cards.slice(edits)) {
      expect(shownCard(later)).toMatchObject({ text: expect.stringContaining('Approved by dave'), verbs: [] });
      expect(shownCard(later).text).not.toMatch(/rejected/i);
    }
    expect(shownCard(card.card).verbs).toEqual([]);
  });

  it('sends an emergency’s notice as a 1:1 chat to each person the policy names who has a Teams id, creating the chat', async () => {
    const emergency = 'deb:curl@7.88.1-10+deb12u15';
    await teams.sender.send(teams.sender.personal(USERS.alice, `propose ${emergency} to prod-web emergency`));
    const noticeFor = (user: (typeof USERS)[keyof typeof USERS]) => teams.fake.postsIn(chatOf(user)).find((p) => /EMERGENCY CHG-2 proposed by alice/.test(shownCard(p.card).title));
    await waitFor('the notices', () => noticeFor(USERS.carol) && noticeFor(USERS.dave), 30_000);
    // The chats were created by the bot (POST /v3/conversations with the member's AAD object id).
    expect(teams.fake.tenant.chats.get(USERS.dave.aadObjectId)).toBe(chatOf(USERS.dave));
    // bob is known by email only: Teams cannot reach him 1:1, so no chat was opened for him.
    expect(teams.fake.tenant.chats.has(USERS.bob.aadObjectId)).toBe(false);
  });

  it('answers an invoke it does not handle, and a click that is not Action.Execute, with an error invoke response, never a bare 501', async () => {
    const card = approvalCard()!;
    const submit = teams.sender.click(USERS.bob, { ...card, card: card.cards[0] }, 'change.approve');
    const asSubmit = await teams.sender.send({ ...submit, value: { action: { type: 'Action.Submit', verb: 'change.approve', data: {} } } });
    expect(asSubmit).toMatchObject({ status: 200, body: { statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'NotSupported' } } });
    const search = await teams.sender.send({ ...submit, name: 'composeExtension/query', value: { commandId: 'search' } });
    expect(search).toMatchObject({ status: 200, body: { statusCode: 400, type: 'application/vnd.microsoft.error' } });
    expect(shownCard(card.card).verbs).toEqual([]);
  });

  it('renders every card it posted or edited as an Adaptive Card 1.5 the adaptivecards parser takes without a warning', () => {
    const cards = teams.fake.tenant.posts.flatMap((p: FakePost) => p.cards);
    expect(cards.length).toBeGreaterThan(10);
    for (const card of cards) expect(cardWarnings(card)).toEqual([]);
  });
});
