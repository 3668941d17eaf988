import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack/index.ts';
import { SLACK_USERS, type ServiceUnderTest, shown, startWithSlack, waitFor } from './harness.ts';

/**
 * Socket Mode against the fake: the service opens a connection URL with the xapp- token
 * (apps.connections.open), connects a real WebSocket (undici's, inside @slack/socket-mode) to the
 * fake's minimal WebSocket server, and gets commands, clicks and events as envelopes it must ack.
 * The same listeners, ids and store-backed dedupe as HTTP mode run behind Bolt's receiver.
 */

let fake: FakeSlack;
let sut: ServiceUnderTest;

beforeAll(async () => {
  fake = await startFakeSlack({ channels: ['C0ANNOUNCE', 'C0APPROVALS', 'C0OPS'], users: SLACK_USERS });
  sut = await startWithSlack(fake, { slack: `appToken: ${fake.appToken}` });
});
afterAll(async () => {
  await sut?.stop();
  await fake?.close();
});

describe('Slack in Socket Mode', () => {
  it('connects with the app token and serves no HTTP endpoint', async () => {
    await waitFor('the socket', () => fake.socket.connected());
    // One URL for the startup check of the token, one for the connection itself.
    expect(fake.calls('apps.connections.open').length).toBeGreaterThanOrEqual(2);
    expect((await fetch(`${sut.url}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('acks a slash command envelope and answers through its response_url', async () => {
    const { ack } = await fake.socket.command({ user: 'U0BOB', channel: 'C0OPS', text: 'status web-01' });
    expect(ack).toMatchObject({ envelope_id: expect.any(String) });
    const answer = await waitFor('the answer', () => fake.messages('C0OPS').find((m) => m.botId !== null), 60_000);
    expect(shown(answer.blocks).title).toMatch(/^web-01/);
    expect([...fake.workspace.hooks.values()].filter((h) => h.uses === 1)).toHaveLength(1);
  });

  it('acks an event envelope, answers it, and drops its redelivery', async () => {
    const before = fake.messages('C0OPS').length;
    await fake.socket.event({ type: 'app_mention', user: 'U0GUEST', channel: 'C0OPS', text: '<@U0PATCHBOT> pending', eventId: 'Ev0SOCKET' });
    await fake.socket.event({ type: 'app_mention', user: 'U0GUEST', channel: 'C0OPS', text: '<@U0PATCHBOT> pending', eventId: 'Ev0SOCKET' }, 1);
    await sut.logged('duplicate interaction dropped', { interaction: 'event:Ev0SOCKET' });
    await waitFor('the answer', () => fake.messages('C0OPS').length === before + 1);
    await sut.logged('slack request handled', { interaction: 'event:Ev0SOCKET', duplicate: false });
    expect(fake.messages('C0OPS')).toHaveLength(before + 1);
  });

  it('takes a button click as an interactive envelope and edits the card it sat on', async () => {
    const digest = await waitFor('the digest', () => fake.messages('C0ANNOUNCE')[0], 60_000);
    await fake.socket.click({ user: 'U0BOB', channel: 'C0ANNOUNCE', ts: digest.ts, actionId: 'digest.defer' });
    await waitFor('the digest closed', () => digest.edits > 0 && shown(digest.blocks).buttons.length === 0);
    expect(shown(digest.blocks).text).toMatch(/Deferred by bob/);
  });

  it('closes the socket when the service stops', async () => {
    await sut.stop();
    await waitFor('the socket closed', () => !fake.socket.connected(), 5000);
  });
});
