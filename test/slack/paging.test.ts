import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeMessage, type FakeSlack, startFakeSlack } from '../support/fake-slack/index.ts';
import { clickPayload } from '../support/fake-slack/payloads.ts';
import type { SlackSender } from '../support/fake-slack/sender.ts';
import { SLACK_USERS, type ServiceUnderTest, shown, startWithSlack, waitFor } from './harness.ts';
import { localFarm } from '../support/local-farm.ts';

/**
 * A long answer in Slack, a page at a time: 40 hosts scanned at startup (the replayed Debian scan)
 * all miss openssl. The /patch answer shows 15 and a Next button; clicks by a stranger and a
 * viewer post the next pages in the card's thread; together they name every host once. A replayed
 * click is dropped, a signed click whose value was altered does nothing, and a page past the end
 * says so. The fake enforces Block Kit's limits on every post.
 */
const { names: NAMES, inventory: INVENTORY } = localFarm(40);
const OPS = 'C0OPS';

let fake: FakeSlack;
let sut: ServiceUnderTest;
let slack: SlackSender;
let patch = '';

beforeAll(async () => {
  fake = await startFakeSlack({ channels: ['C0ANNOUNCE', 'C0APPROVALS', OPS], users: SLACK_USERS });
  sut = await startWithSlack(fake, { inventory: INVENTORY });
  slack = fake.bot(`${sut.url}/slack/events`);
  await waitFor('the startup scan’s digest', () => fake.messages('C0ANNOUNCE')[0], 120_000);
  patch = (await sut.service.runtime.store.patches.list()).find((p) => p.id.startsWith('deb:openssl@'))!.id;
}, 150_000);
afterAll(async () => {
  await sut?.stop();
  await fake?.close();
});

/** The host names a page lists (its bullet lines). */
const hostsOn = (message: FakeMessage) =>
  shown(message.blocks)
    .text.split('\n')
    .filter((l) => l.startsWith('• '))
    .map((l) => l.slice(2));
const threadOf = (root: FakeMessage) => fake.thread(OPS, root.ts).filter((m) => m.botId !== null);

let first: FakeMessage;

describe('Slack: a long list, a page at a time', () => {
  it('answers /patch with the first page, what is left, and a Next button', async () => {
    await slack.command({ user: 'U0ALICE', channel: OPS, text: `missing ${patch} in farm` });
    first = await waitFor('the answer', () => fake.messages(OPS).find((m) => m.botId !== null));
    expect(shown(first.blocks).title).toBe(`${patch} is missing on 40 hosts in farm`);
    expect(hostsOn(first)).toEqual(NAMES.slice(0, 15));
    expect(shown(first.blocks).text).toContain(`_+25 more — next 15: \`/patch missing ${patch} in farm page 2\`_`);
    expect(shown(first.blocks).buttons).toEqual(['answer.page']);
  });

  it('posts the next pages in the card’s thread for whoever clicks (a stranger, then a viewer), every host once', async () => {
    await slack.click({ user: 'U0GUEST', channel: OPS, ts: first.ts, actionId: 'answer.page' });
    const second = await waitFor('page 2', () => threadOf(first)[0]);
    expect(hostsOn(second)).toEqual(NAMES.slice(15, 30));
    expect(shown(second.blocks).text).toContain('16–30 of 40');
    // Page 2 sits in the thread: its own Next button answers in the same thread.
    await slack.click({ user: 'U0ERIN', channel: OPS, ts: second.ts, actionId: 'answer.page' });
    const third = await waitFor('page 3', () => threadOf(first)[1]);
    expect(hostsOn(third)).toEqual(NAMES.slice(30));
    expect(shown(third.blocks).buttons).toEqual([]);
    const all = [first, second, third].flatMap(hostsOn);
    expect(all).toEqual(NAMES);
    expect(fake.messages(OPS).filter((m) => m.botId !== null)).toHaveLength(1);
  });

  it('drops a redelivered click: one page, not two', async () => {
    const before = threadOf(first).length;
    const sent = await slack.click({ user: 'U0BOB', channel: OPS, ts: first.ts, actionId: 'answer.page' });
    const actionTs = String((sent.payload.actions as { action_ts: string }[])[0]!.action_ts);
    await waitFor('bob’s page', () => threadOf(first).length === before + 1);
    await slack.click({ user: 'U0BOB', channel: OPS, ts: first.ts, actionId: 'answer.page', actionTs });
    await sut.logged('duplicate interaction dropped', { interaction: `action:${actionTs}:U0BOB:answer.page` });
    expect(threadOf(first)).toHaveLength(before + 1);
  });

  it('does nothing for a signed click whose value was altered to a command', async () => {
    // What a click on the Next button sends, its value changed, then signed with the real secret.
    const payload = clickPayload(fake.workspace, fake, fake.url, { user: 'U0ALICE', channel: OPS, ts: first.ts, actionId: 'answer.page' });
    (payload.actions as { value: string }[])[0]!.value = 'scan farm page 2';
    const scans = (await sut.service.runtime.store.scans.latestPerHost()).length;
    const before = { thread: threadOf(first).length, top: fake.messages(OPS).length };
    const sent = await slack.send({ body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), contentType: 'application/x-www-form-urlencoded' });
    expect(sent.status).toBe(200);
    const refusal = await waitFor('the refusal', () => fake.ephemerals({ user: 'U0ALICE', channel: OPS }).find((e) => JSON.stringify(e.blocks).includes('no page of an answer')));
    expect(JSON.stringify(refusal.blocks)).toContain('scan farm page 2');
    expect({ thread: threadOf(first).length, top: fake.messages(OPS).length }).toEqual(before);
    expect((await sut.service.runtime.store.scans.latestPerHost()).length).toBe(scans);
  });

  it('says a typed page past the end is past the end', async () => {
    const sent = await slack.command({ user: 'U0CAROL', channel: OPS, text: `missing ${patch} in farm page 4` });
    await waitFor('the answer', () => fake.hook(sent.hookId)?.posts.length === 1);
    const past = fake
      .messages(OPS)
      .filter((m) => m.botId !== null)
      .at(-1)!;
    expect(shown(past.blocks).text).toContain(`Page 4 is past the end: the list has 40, 3 pages of 15; the last is \`/patch missing ${patch} in farm page 3\`.`);
    expect(shown(past.blocks).buttons).toEqual([]);
  });

  it('logged no delivery failure along the way', () => {
    expect(sut.logs.filter((l) => (l.level as number) >= 50)).toEqual([]);
  });
});
