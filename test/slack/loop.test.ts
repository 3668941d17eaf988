import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack/index.ts';
import type { SlackSender } from '../support/fake-slack/sender.ts';
import { SLACK_USERS, type ServiceUnderTest, shown, startWithSlack, waitFor } from './harness.ts';

/**
 * The whole loop through Slack, with real Bolt in the middle and the real service around it:
 * a scan's digest in the announce channel, a change proposed with /patch, a CAB vote by clicks
 * from three people (with a self-approval, an ineligible click, a stranger and a double click on
 * the way), the card edited in place, the decision in its thread, and questions answered.
 * Every check is on what the fake Slack ends up holding.
 */

let fake: FakeSlack;
let sut: ServiceUnderTest;
let slack: SlackSender;
const APPROVALS = 'C0APPROVALS';

beforeAll(async () => {
  fake = await startFakeSlack({ channels: ['C0ANNOUNCE', APPROVALS, 'C0OPS', 'D0GUEST'], users: SLACK_USERS });
  sut = await startWithSlack(fake);
  slack = fake.bot(`${sut.url}/slack/events`);
});
afterAll(async () => {
  await sut?.stop();
  await fake?.close();
});

/** The interaction id a click becomes: action_ts + user + action_id. */
const interactionOf = (payload: Record<string, unknown>) => {
  const action = (payload.actions as { action_ts: string; action_id: string }[])[0]!;
  return `action:${action.action_ts}:${(payload.user as { id: string }).id}:${action.action_id}`;
};
const approvalCard = () => fake.messages(APPROVALS)[0];
let patchId = '';

describe('Slack: the patch loop', () => {
  it('posts one digest of what the startup scan discovered to the announce channel', async () => {
    const digest = await waitFor('the digest', () => fake.messages('C0ANNOUNCE')[0], 60_000);
    const card = shown(digest.blocks);
    const discovered = await sut.service.runtime.store.patches.list();
    expect(discovered.length).toBeGreaterThan(100);
    expect(card.title).toBe(`${discovered.length} new patches found`);
    expect(card.text).toMatch(/_\+\d+ more — `pending` lists them a page at a time; `missing` with a patch id names its hosts_/);
    // Propose rollout offers one button per window (closed-windows.ts) and `now` (the production policy allows it by default).
    expect(card.buttons).toEqual(['digest.propose~weeknights', 'digest.propose~weekend', 'digest.propose~now', 'digest.defer']);
    expect(digest.text).toMatch(/new patches found/);
    expect(fake.messages('C0ANNOUNCE')).toHaveLength(1);
    patchId = discovered.find((p) => p.id.startsWith('deb:openssl@'))?.id ?? discovered[0]!.id;
  });

  it('answers Slack’s URL check, and refuses forged and replayed requests with 401 and no effect', async () => {
    expect(JSON.parse((await slack.urlVerification('3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P')).text)).toEqual({
      challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
    });
    const before = { calls: fake.calls().length, hooks: fake.workspace.hooks.size };
    const forged = await slack.command({ user: 'U0ALICE', channel: APPROVALS, text: `propose ${patchId} to prod-web` }, { secret: 'f'.repeat(32) });
    const replayed = await slack.command({ user: 'U0ALICE', channel: APPROVALS, text: `propose ${patchId} to prod-web` }, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    const unsigned = await slack.command({ user: 'U0ALICE', channel: APPROVALS, text: 'help' }, { signature: '' });
    expect([forged.status, replayed.status, unsigned.status]).toEqual([401, 401, 401]);
    expect(JSON.parse(replayed.text)).toEqual({ error: 'request timestamp is too old' });
    expect(await sut.service.runtime.store.changes.list()).toEqual([]);
    expect(fake.calls()).toHaveLength(before.calls);
    expect([forged.hookId, replayed.hookId, unsigned.hookId].map((h) => fake.hook(h)?.posts)).toEqual([[], [], []]);
    expect(fake.messages(APPROVALS)).toEqual([]);
  });

  it('proposes a change with /patch: acked at once, answered through response_url, card to the approvals channel', async () => {
    const sent = await slack.command({ user: 'U0ALICE', channel: 'C0OPS', text: `propose ${patchId} to prod-web` });
    // 200 proves the ack came first: an unacknowledged request is answered 404 after 3 s.
    expect(sent).toMatchObject({ status: 200, text: '' });
    const card = await waitFor('the approval card', approvalCard);
    expect(shown(card.blocks)).toMatchObject({ title: expect.stringMatching(/^CHG-1: /), buttons: ['change.approve', 'change.reject'] });
    expect(shown(card.blocks).text).toContain('0 of 3 CAB approvals');
    const ack = await waitFor('the private answer', () => fake.ephemerals({ via: 'response_url', user: 'U0ALICE' })[0]);
    expect(ack).toMatchObject({ channel: 'C0OPS', text: expect.stringMatching(/^CHG-1 proposed/) });
    expect(fake.hook(sent.hookId)?.uses).toBe(1);
  });

  it('counts a CAB click and edits the card in place', async () => {
    const card = approvalCard()!;
    expect((await slack.click({ user: 'U0BOB', channel: APPROVALS, ts: card.ts, actionId: 'change.approve' })).status).toBe(200);
    await waitFor('the edit', () => card.edits === 1);
    expect(shown(card.blocks).text).toContain('1 of 3 CAB approvals: bob');
    expect(fake.messages(APPROVALS)).toHaveLength(1);
  });

  it.each([
    ['the requester approving her own change', 'U0ALICE', /separation of duties/],
    ['a viewer, who may not vote', 'U0ERIN', /Only role:cab members can vote on this change \(you have: viewer\)/],
    ['a Slack user who is no configured person', 'U0GUEST', /Only configured people can vote on changes/],
  ])('refuses %s privately and leaves the card as it was', async (_who, user, reason) => {
    const card = approvalCard()!;
    const before = { edits: card.edits, blocks: JSON.stringify(card.blocks) };
    const sent = await slack.click({ user, channel: APPROVALS, ts: card.ts, actionId: 'change.approve' });
    expect(sent.status).toBe(200);
    const refusal = await waitFor('the refusal', () => fake.ephemerals({ user, via: 'chat.postEphemeral', channel: APPROVALS })[0]);
    expect(refusal.text).toMatch(/^Vote not counted|^Can't do that/);
    expect(refusal.blocks.map((b) => JSON.stringify(b)).join()).toMatch(reason);
    await sut.logged('slack request handled', { interaction: interactionOf(sent.payload) });
    expect({ edits: card.edits, blocks: JSON.stringify(card.blocks) }).toEqual(before);
  });

  it('handles a redelivered click once, and a double click as one vote', async () => {
    const card = approvalCard()!;
    const first = await slack.click({ user: 'U0CAROL', channel: APPROVALS, ts: card.ts, actionId: 'change.approve' });
    const actionTs = String((first.payload.actions as { action_ts: string }[])[0]!.action_ts);
    expect(interactionOf(first.payload)).toBe(`action:${actionTs}:U0CAROL:change.approve`);
    await waitFor('carol counted', () => shown(card.blocks).text.includes('2 of 3 CAB approvals: bob, carol'));
    const again = await slack.click({ user: 'U0CAROL', channel: APPROVALS, ts: card.ts, actionId: 'change.approve', actionTs });
    expect(again.status).toBe(200);
    await sut.logged('duplicate interaction dropped', { interaction: `action:${actionTs}:U0CAROL:change.approve` });
    // A second click is a new request: it replaces carol's vote instead of adding one.
    const second = await slack.click({ user: 'U0CAROL', channel: APPROVALS, ts: card.ts, actionId: 'change.approve' });
    await sut.logged('slack request handled', { interaction: interactionOf(second.payload) });
    const votes = await sut.service.runtime.store.votes.list('CHG-1');
    expect(votes.map((v) => [v.person, v.decision])).toEqual([
      ['bob', 'approve'],
      ['carol', 'approve'],
    ]);
    expect(shown(card.blocks).text).toContain('2 of 3 CAB approvals: bob, carol');
  });

  it('reaches quorum with the third click through a 429 storm: card final, decision in the thread, nothing twice', async () => {
    const card = approvalCard()!;
    fake.rateLimit('*', 4, 1);
    const third = await slack.click({ user: 'U0DAVE', channel: APPROVALS, ts: card.ts, actionId: 'change.approve' });
    const decided = () => fake.thread(APPROVALS, card.ts).filter((m) => shown(m.blocks).title === 'CHG-1 approved');
    await waitFor('the decision', () => decided().length > 0, 30_000);
    // The root card is edited in place: no buttons left, the full tally (later edits by the
    // rollout may add its state and progress, never buttons back).
    await waitFor('the final card', () => shown(card.blocks).text.includes('3 of 3 CAB approvals: bob, carol, dave') && shown(card.blocks).buttons.length === 0);
    expect(shown(decided()[0]!.blocks).text).toMatch(/Approved by dave at \d\d:\d\d UTC \(3 of 3\)/);
    // Approved, and then taken on by the rollout (scheduled for its window).
    expect(['approved', 'scheduled']).toContain((await sut.service.runtime.store.changes.get('CHG-1'))?.state);
    expect(fake.calls().filter((c) => c.status === 429)).toHaveLength(4);
    await sut.logged('slack request handled', { interaction: interactionOf(third.payload) }, 30_000);
    expect(fake.messages(APPROVALS)).toHaveLength(1);
    expect(decided()).toHaveLength(1);
    // Whatever else the rollout says in the thread (its window, its waves), it says each once.
    const titles = fake.thread(APPROVALS, card.ts).map((m) => shown(m.blocks).title);
    expect(new Set(titles).size).toBe(titles.length);
    // The buttons are gone: there is nothing left to click.
    await expect(slack.click({ user: 'U0BOB', channel: APPROVALS, ts: card.ts, actionId: 'change.approve' })).rejects.toThrow(/has no button/);
  });

  it('answers a question in a mention, where it was asked, also for someone who is no configured person', async () => {
    const sent = await slack.event({ type: 'app_mention', user: 'U0GUEST', channel: 'C0OPS', text: `<@U0PATCHBOT> which servers are missing ${patchId}?` });
    expect(sent.status).toBe(200);
    const answer = await waitFor('the answer', () => fake.messages('C0OPS').find((m) => m.botId !== null));
    expect(shown(answer.blocks).text).toContain('web-01');
  });

  it('answers a mention inside a thread in that thread, not in the channel', async () => {
    const root = fake.messages('C0OPS').find((m) => m.botId !== null)!;
    const topLevel = fake.messages('C0OPS').length;
    await slack.event({ type: 'app_mention', user: 'U0GUEST', channel: 'C0OPS', text: `<@U0PATCHBOT> which servers are missing ${patchId}?`, threadTs: root.ts });
    const answer = await waitFor('the threaded answer', () => fake.thread('C0OPS', root.ts).find((m) => m.botId !== null));
    expect(shown(answer.blocks).text).toContain('web-01');
    expect(fake.messages('C0OPS')).toHaveLength(topLevel);
  });

  it('answers a direct message', async () => {
    await slack.event({ type: 'message', channelType: 'im', user: 'U0GUEST', channel: 'D0GUEST', text: 'status web-01' });
    const answer = await waitFor('the answer', () => fake.messages('D0GUEST').find((m) => m.botId !== null));
    expect(`${shown(answer.blocks).title}\n${shown(answer.blocks).text}`).toMatch(/web-01/);
  });

  it('handles an event Slack redelivers (X-Slack-Retry-Num) once', async () => {
    const count = () => fake.messages('C0OPS').filter((m) => m.botId !== null).length;
    const before = count();
    const first = await slack.event({ type: 'app_mention', user: 'U0BOB', channel: 'C0OPS', text: '<@U0PATCHBOT> pending', eventId: 'Ev0RETRIED' });
    const retry = await slack.event(
      { type: 'app_mention', user: 'U0BOB', channel: 'C0OPS', text: '<@U0PATCHBOT> pending', eventId: 'Ev0RETRIED' },
      { retryNum: 1, retryReason: 'http_timeout' },
    );
    expect([first.status, retry.status]).toEqual([200, 200]);
    await sut.logged('duplicate interaction dropped', { interaction: 'event:Ev0RETRIED' });
    await waitFor('the one answer', () => count() === before + 1);
    await sut.logged('slack request handled', { interaction: 'event:Ev0RETRIED' });
    expect(count()).toBe(before + 1);
  });

  it('logged no delivery failure along the way', () => {
    expect(sut.logs.filter((l) => (l.level as number) >= 50)).toEqual([]);
  });
});
