import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack/index.ts';
import type { SlackSender } from '../support/fake-slack/sender.ts';
import { SLACK_USERS, type ServiceUnderTest, startWithSlack, waitFor } from './harness.ts';

/**
 * One workspace only. Slack signs every request for this app with the app's one signing secret,
 * whichever workspace it comes from, so an app installed in a second workspace (distributed, or
 * org-wide) would hear that workspace's commands, clicks and events. Each is refused before any
 * work: no look-up, no post, no change. Our own workspace (auth.test's team_id) works as before.
 */

const OTHER = 'T0OTHERORG';
const OPS = 'C0OPS';
let fake: FakeSlack;
let sut: ServiceUnderTest;
let slack: SlackSender;

beforeAll(async () => {
  fake = await startFakeSlack({ channels: ['C0ANNOUNCE', 'C0APPROVALS', OPS, 'D0ALICE'], users: SLACK_USERS });
  sut = await startWithSlack(fake);
  slack = fake.bot(`${sut.url}/slack/events`);
  await waitFor('the digest', () => fake.messages('C0ANNOUNCE')[0], 60_000);
}, 90_000);
afterAll(async () => {
  await sut?.stop();
  await fake?.close();
});

const refused = () => sut.logs.filter((l) => l.msg === 'slack request from another workspace refused' && l.team === OTHER).length;

describe('Slack: requests for another workspace', () => {
  it.each<[string, () => Promise<{ status: number }>, number]>([
    ['a slash command (left unacknowledged: 404)', () => slack.command({ user: 'U0ALICE', channel: OPS, text: 'help', team: OTHER }), 404],
    [
      'a click on our digest (left unacknowledged: 404)',
      () => {
        const digest = fake.messages('C0ANNOUNCE')[0]!;
        return slack.click({ user: 'U0ALICE', channel: 'C0ANNOUNCE', ts: digest.ts, actionId: 'digest.defer', team: OTHER });
      },
      404,
    ],
    ['a mention (events are acknowledged by Bolt first: 200)', () => slack.event({ type: 'app_mention', user: 'U0ALICE', channel: OPS, text: '<@U0PATCHBOT> help', team: OTHER }), 200],
    ['a direct message', () => slack.event({ type: 'message', user: 'U0ALICE', channel: 'D0ALICE', text: 'help', team: OTHER }), 200],
  ])('refuses %s, signed with our secret, and does nothing', async (_what, send, status) => {
    const calls = fake.calls().length;
    const before = refused();
    expect((await send()).status).toBe(status);
    await waitFor('the refusal in the log', () => refused() > before);
    expect(fake.calls().slice(calls)).toEqual([]);
    expect(fake.messages(OPS)).toEqual([]);
    expect(fake.ephemerals()).toEqual([]);
  });

  it('answers the same command from our own workspace', async () => {
    const sent = await slack.command({ user: 'U0ALICE', channel: OPS, text: 'help' });
    expect(sent.status).toBe(200);
    await waitFor('the answer', () => fake.hook(sent.hookId)?.posts.length);
  });
});
