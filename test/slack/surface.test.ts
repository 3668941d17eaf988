import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SlackApiError, slackCall } from '../../adapters/slack/errors.ts';
import { createSlackSurface } from '../../adapters/slack/slack-surface.ts';
import { createWebClient } from '../../adapters/slack/web-client.ts';
import type { Card } from '../../src/chat/card.ts';
import { MessageTooLargeError, SurfaceRateLimitedError } from '../../src/chat/chat-surface.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { type FreshStore, freshPglite } from '../support/engines.ts';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack/index.ts';

/**
 * The ChatSurface over a real @slack/web-api WebClient against the loopback fake: what lands in
 * the channels, threads and ephemerals, how Slack's errors come back, and what the WebClient does
 * with 429 + Retry-After (the fake records every attempt).
 */

const log = createLogger({ level: 'silent' });
const card = (title: string, extra: Partial<Card> = {}): Card => ({ title, ...extra });
const titleOf = (blocks: unknown[]) => (blocks[0] as { text: { text: string } }).text.text;

let fake: FakeSlack;
let opened: FreshStore;
beforeAll(async () => {
  opened = await freshPglite();
});
afterAll(async () => opened.store.close());
afterEach(async () => fake?.close());

const surfaceFor = (options: { retries?: number; burst?: number; perSecond?: number } = {}) => {
  const client = createWebClient(fake.botToken, { apiUrl: fake.apiUrl, log, ...(options.retries !== undefined ? { retries: options.retries } : {}) });
  return createSlackSurface({ client, store: opened.store, pacing: { burst: options.burst ?? 100, perSecond: options.perSecond ?? 100 } });
};
const start = async () => {
  fake = await startFakeSlack({ channels: ['C0ANNOUNCE', 'C0APPROVALS'], users: [{ id: 'U0BOB', name: 'bob' }] });
};

describe('the Slack surface', () => {
  it('posts, replies in the thread, edits in place and answers privately', async () => {
    await start();
    const surface = surfaceFor();
    const root = await surface.post('C0APPROVALS', card('CHG-1: openssl', { actions: [{ id: 'change.approve', label: 'Approve', style: 'primary', value: 'CHG-1' }] }));
    expect(root).toEqual({ surface: 'slack', channel: 'C0APPROVALS', id: expect.stringMatching(/^\d+\.\d{6}$/) });
    await opened.store.chatThreads.claimRoot('change:CHG-1', root, new Date());
    const reply = await surface.reply({ channel: 'C0APPROVALS', threadKey: 'change:CHG-1' }, card('CHG-1 approved'));
    await surface.update(root, card('CHG-1: openssl (approved)'));
    await surface.ephemeral('C0APPROVALS', { person: null, surfaceUserId: 'U0BOB', displayName: 'bob' }, card('Vote not counted', { text: 'You are not on the CAB.' }));

    expect(fake.messages('C0APPROVALS').map((m) => [titleOf(m.blocks), m.edits])).toEqual([['CHG-1: openssl (approved)', 1]]);
    expect(fake.thread('C0APPROVALS', root.id).map((m) => [m.ts, titleOf(m.blocks)])).toEqual([[reply.id, 'CHG-1 approved']]);
    expect(fake.ephemerals()).toEqual([expect.objectContaining({ channel: 'C0APPROVALS', user: 'U0BOB', via: 'chat.postEphemeral', text: 'Vote not counted\nYou are not on the CAB.' })]);
    // The edit removed the buttons: nothing is left to click.
    expect(fake.message('C0APPROVALS', root.id)?.blocks.some((b) => (b as { type: string }).type === 'actions')).toBe(false);
  });

  it('messages a person directly in their DM with the app, and says when it cannot reach one', async () => {
    await start();
    const surface = surfaceFor();
    expect(await surface.direct!({ name: 'bob', roles: ['cab'], slack: 'U0BOB' }, card('🚨 EMERGENCY CHG-9 proposed by alice'))).toBe(true);
    expect(fake.messages('D0BOB').map((m) => titleOf(m.blocks))).toEqual(['🚨 EMERGENCY CHG-9 proposed by alice']);
    expect(await surface.direct!({ name: 'carol', roles: ['cab'] }, card('not sent'))).toBe(false);
  });

  it("turns Slack's error envelope into patchbot errors that say what to do", async () => {
    await start();
    const surface = surfaceFor();
    const error = await surface.post('C0NOSUCH', card('hello')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackApiError);
    expect(error).toMatchObject({ code: 'slack-channel-not-found', message: 'Slack refused chat.postMessage: channel_not_found.', hint: expect.stringMatching(/invite @patchbot/) });
    const bad = createSlackSurface({ client: createWebClient('xoxb-wrong', { apiUrl: fake.apiUrl, log }), store: opened.store });
    await expect(bad.post('C0ANNOUNCE', card('hello'))).rejects.toMatchObject({ code: 'slack-invalid-auth', hint: expect.stringMatching(/SLACK_BOT_TOKEN/) });
    await expect(surface.update({ surface: 'slack', channel: 'C0ANNOUNCE', id: '1.000001' }, card('x'))).rejects.toMatchObject({ code: 'slack-message-not-found' });
    // What the renderer never sends, sent raw: Slack's size and Block Kit refusals, translated.
    const client = createWebClient(fake.botToken, { apiUrl: fake.apiUrl, log });
    await expect(slackCall('chat.postMessage', () => client.chat.postMessage({ channel: 'C0ANNOUNCE', text: 'x'.repeat(40_001) }))).rejects.toBeInstanceOf(MessageTooLargeError);
    const tooMany = Array.from({ length: 51 }, () => ({ type: 'divider' as const }));
    await expect(slackCall('chat.postMessage', () => client.chat.postMessage({ channel: 'C0ANNOUNCE', text: 't', blocks: tooMany }))).rejects.toMatchObject({
      code: 'slack-invalid-blocks',
      message: expect.stringContaining('must be less than 51 items'),
    });
    expect(fake.messages('C0ANNOUNCE')).toEqual([]);
  });

  it('waits out Retry-After on a 429 and retries (the WebClient does), posting once', async () => {
    await start();
    fake.rateLimit('chat.postMessage', 2, 1);
    await surfaceFor().post('C0ANNOUNCE', card('digest'));
    const attempts = fake.calls('chat.postMessage');
    expect(attempts.map((c) => c.status)).toEqual([429, 429, 200]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(1000);
    expect(fake.messages('C0ANNOUNCE')).toHaveLength(1);
  });

  it('gives up with SurfaceRateLimitedError once the retries are spent, having posted nothing', async () => {
    await start();
    fake.rateLimit('chat.postMessage', 5, 1);
    const error = await surfaceFor({ retries: 1 })
      .post('C0ANNOUNCE', card('digest'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SurfaceRateLimitedError);
    expect(error).toMatchObject({ retryAfterMs: 1000 });
    expect(fake.messages('C0ANNOUNCE')).toHaveLength(0);
  });

  it('survives a 429 storm with no message lost, duplicated or out of order, and the newest edit last', async () => {
    await start();
    const surface = surfaceFor();
    const status = await surface.post('C0ANNOUNCE', card('progress 0'));
    fake.rateLimit('*', 8, 1);
    await Promise.all([
      ...Array.from({ length: 8 }, (_, i) => surface.post('C0APPROVALS', card(`approvals ${i}`))),
      ...Array.from({ length: 4 }, (_, i) => surface.post('C0ANNOUNCE', card(`announce ${i}`))),
      ...Array.from({ length: 25 }, (_, i) => surface.update(status, card(`progress ${i + 1}`))),
    ]);
    expect(fake.calls().filter((c) => c.status === 429)).toHaveLength(8);
    expect(fake.messages('C0APPROVALS').map((m) => titleOf(m.blocks))).toEqual(Array.from({ length: 8 }, (_, i) => `approvals ${i}`));
    expect(fake.messages('C0ANNOUNCE').map((m) => titleOf(m.blocks))).toEqual(['progress 25', ...Array.from({ length: 4 }, (_, i) => `announce ${i}`)]);
    // Coalesced: the 25 edits became a handful of chat.update calls, not a queue of 25.
    expect(fake.calls('chat.update').filter((c) => c.status === 200).length).toBeLessThanOrEqual(3);
  });

  it('paces one channel to about a message per second after a short burst', async () => {
    await start();
    const surface = surfaceFor({ burst: 3, perSecond: 1 });
    await Promise.all(Array.from({ length: 5 }, (_, i) => surface.post('C0ANNOUNCE', card(`m${i}`))));
    const at = fake.calls('chat.postMessage').map((c) => c.at);
    // Past the burst a token comes each second, counted from when the burst took the first three:
    // so from the first post, not the third (slow first posts shorten the gap between the third and
    // fourth; that failed on a loaded machine). The 200 ms margin is the first post's own trip to the
    // fake. (That the burst itself does not wait is shown on a test clock in
    // src/shared/pacing.test.ts: an upper bound on wall time fails on a loaded machine.)
    expect(at[3]! - at[0]!).toBeGreaterThanOrEqual(800);
    expect(at[4]! - at[0]!).toBeGreaterThanOrEqual(1800);
    expect(fake.messages('C0ANNOUNCE').map((m) => titleOf(m.blocks))).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
  });
});
