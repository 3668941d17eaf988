import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSlackPeople } from '../../adapters/slack/people.ts';
import { createResponder, responseUrlAllowed } from '../../adapters/slack/responder.ts';
import { createSlackSurface } from '../../adapters/slack/slack-surface.ts';
import { createWebClient } from '../../adapters/slack/web-client.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { type FreshStore, freshPglite } from '../support/engines.ts';
import { ALL_SCOPES, type FakeSlack, startFakeSlack } from '../support/fake-slack/index.ts';

const log = createLogger({ level: 'silent' });
const users = [
  { id: 'U0BOB', name: 'bob', email: 'bob@example.com' },
  { id: 'U0CAROL', name: 'carol', email: 'Carol@Example.com' },
  { id: 'U0GUEST', name: 'guest', realName: 'A Guest', email: 'guest@elsewhere.test' },
  // Slack Connect members of other organisations whose admins gave them carol's address.
  { id: 'W0CONNECT', name: 'mallory', email: 'carol@example.com', teamId: 'T0OTHERORG' },
  { id: 'W0STRANGER', name: 'stranger', email: 'carol@example.com', isStranger: true },
  // Enterprise Grid: a member of a sister workspace in our own organisation.
  { id: 'W0SISTER', name: 'carol-hq', email: 'carol@example.com', teamId: 'T0SISTER', enterpriseId: 'E0ORG' },
];

let fake: FakeSlack;
let opened: FreshStore;
beforeAll(async () => {
  opened = await freshPglite();
  await opened.store.people.sync([
    { name: 'bob', slack: 'U0BOB', roles: ['cab'] },
    { name: 'carol', email: 'carol@example.com', roles: ['cab'] },
  ]);
});
afterAll(async () => opened.store.close());
afterEach(async () => fake?.close());

const peopleFor = (now: () => number = Date.now, home: { teamId: string; enterpriseId?: string } = { teamId: 'T0FAKE' }) => {
  const client = createWebClient(fake.botToken, { apiUrl: fake.apiUrl, log });
  return createSlackPeople({ store: opened.store, usersInfo: (user) => client.users.info({ user }), home, log, ttlMs: 60_000, now });
};

describe('Slack users → people', () => {
  it('maps by people[].slack without asking Slack, by email through users.info, and leaves strangers person-less', async () => {
    fake = await startFakeSlack({ channels: ['C1'], users });
    let clock = 0;
    const people = peopleFor(() => clock);
    expect(await people.actor('U0BOB')).toEqual({ person: expect.objectContaining({ name: 'bob' }), surfaceUserId: 'U0BOB', displayName: 'bob' });
    expect(fake.calls('users.info')).toHaveLength(0);
    // Slack keeps the case people typed; the config has it in lower case.
    expect(await people.actor('U0CAROL')).toMatchObject({ person: { name: 'carol' }, displayName: 'carol' });
    expect(await people.actor('U0GUEST', 'guest')).toEqual({ person: null, surfaceUserId: 'U0GUEST', displayName: 'guest' });
    expect(await people.actor('U0NOBODY', 'ghost')).toEqual({ person: null, surfaceUserId: 'U0NOBODY', displayName: 'ghost' });
    expect(fake.calls('users.info').map((c) => c.params.user)).toEqual(['U0CAROL', 'U0GUEST', 'U0NOBODY']);

    // Cached, answers of "nobody" included, until the TTL passes.
    await Promise.all([people.actor('U0CAROL'), people.actor('U0GUEST'), people.actor('U0NOBODY')]);
    expect(fake.calls('users.info')).toHaveLength(3);
    clock += 60_001;
    await Promise.all([people.actor('U0CAROL'), people.actor('U0CAROL')]);
    expect(fake.calls('users.info')).toHaveLength(4);
  });

  it('never maps another organisation’s member by email: Slack Connect, strangers; a Grid sister workspace only with our organisation', async () => {
    fake = await startFakeSlack({ channels: ['C1'], users });
    const people = peopleFor();
    expect(await people.actor('U0CAROL')).toMatchObject({ person: { name: 'carol' } });
    expect(await people.actor('W0CONNECT')).toEqual({ person: null, surfaceUserId: 'W0CONNECT', displayName: 'mallory' });
    expect(await people.actor('W0STRANGER')).toMatchObject({ person: null, displayName: 'stranger' });
    expect(await people.actor('W0SISTER')).toMatchObject({ person: null });
    expect(await peopleFor(Date.now, { teamId: 'T0FAKE', enterpriseId: 'E0ORG' }).actor('W0SISTER')).toMatchObject({ person: { name: 'carol' }, displayName: 'carol' });
    expect(await peopleFor(Date.now, { teamId: 'T0FAKE', enterpriseId: 'E0ORG' }).actor('W0CONNECT')).toMatchObject({ person: null });
  });

  it('cannot map by email without the users:read.email scope', async () => {
    fake = await startFakeSlack({ channels: ['C1'], users, scopes: ALL_SCOPES.filter((s) => s !== 'users:read.email') });
    expect(await peopleFor().actor('U0CAROL')).toMatchObject({ person: null, displayName: 'carol' });
  });
});

describe('answers through response_url', () => {
  const actor = { person: null, surfaceUserId: 'U0BOB', displayName: 'bob' };
  const setUp = async () => {
    fake = await startFakeSlack({ channels: ['C1'], users });
    const surface = createSlackSurface({ client: createWebClient(fake.botToken, { apiUrl: fake.apiUrl, log }), store: opened.store });
    return { surface, hook: fake.responseUrl('C1', 'U0BOB') };
  };

  it('spends the five uses Slack allows, then falls back to chat.postEphemeral and chat.postMessage', async () => {
    const { surface, hook } = await setUp();
    const responder = createResponder({ responseUrl: hook.url, channel: 'C1', actor, surface, log });
    for (let i = 0; i < 4; i += 1) await responder.private({ title: `private ${i}` });
    await responder.public({ title: 'public 4' });
    await responder.private({ title: 'private 5' });
    await responder.public({ title: 'public 6' });
    expect(fake.hook(hook.hookId)?.posts.map((p) => p.status)).toEqual([200, 200, 200, 200, 200]);
    expect(fake.ephemerals().map((e) => [e.text, e.via])).toEqual([...[0, 1, 2, 3].map((i) => [`private ${i}`, 'response_url']), ['private 5', 'chat.postEphemeral']]);
    expect(fake.messages('C1').map((m) => m.text)).toEqual(['public 4', 'public 6']);
    expect(fake.calls('chat.postMessage')).toHaveLength(1);
  });

  it('falls back when Slack says the URL expired, without losing the answer', async () => {
    const { surface, hook } = await setUp();
    fake.advance(31 * 60_000);
    const responder = createResponder({ responseUrl: hook.url, channel: 'C1', actor, surface, log });
    await responder.public({ title: 'late answer' });
    expect(fake.hook(hook.hookId)?.posts.map((p) => p.status)).toEqual([404]);
    expect(fake.messages('C1').map((m) => m.text)).toEqual(['late answer']);
  });

  it('posts answers only to Slack hooks (or the configured API host)', () => {
    expect(responseUrlAllowed('https://hooks.slack.com/commands/T1/2/abc', undefined)).toBe(true);
    expect(responseUrlAllowed('http://hooks.slack.com/commands/T1/2/abc', undefined)).toBe(false);
    expect(responseUrlAllowed('https://evil.example/commands', undefined)).toBe(false);
    expect(responseUrlAllowed('http://127.0.0.1:9/hooks/H1', 'http://127.0.0.1:9/api/')).toBe(true);
    expect(responseUrlAllowed('http://127.0.0.1:10/hooks/H1', 'http://127.0.0.1:9/api/')).toBe(false);
  });
});
