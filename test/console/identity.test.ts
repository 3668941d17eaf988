import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newAccessToken } from '../../src/people/access-tokens.ts';
import { SLACK_USERS } from '../slack/harness.ts';
import { startFakeSlack } from '../support/fake-slack/index.ts';
import { type ConsoleService, startConsoleService, TOKEN, WEB_ESTATE } from './support/console-service.ts';
import { call } from './support/http.ts';

/**
 * #13 item 1, as the attacker tried it: one person walking a production change through a quorum
 * of 3 by naming other people in `as=`, with the server token, or with their own access token.
 */
const PROPOSE = '/patch propose KB5034441 to prod-web';

const tokenFor = async (svc: ConsoleService, owner: string, expiresAt: Date | null = null) => {
  const token = newAccessToken();
  await svc.store.accessTokens.create({ id: token.id, hash: token.hash, owner, createdAt: new Date(), expiresAt });
  return { ...token, auth: { authorization: `Bearer ${token.secret}` } };
};

const approvalCard = async (svc: ConsoleService, auth: Record<string, string>, change: string) => {
  const { body } = await call(svc.url, 'GET', '/channels/approvals/messages', undefined, auth);
  return (body.messages as Array<{ id: string; card?: { title: string } }>).find((m) => m.card?.title.startsWith(`${change}:`))!;
};

describe('Slack is the team chat: the console is no demo, and as= speaks for nobody', () => {
  let slack: Awaited<ReturnType<typeof startFakeSlack>>;
  let svc: ConsoleService;
  beforeAll(async () => {
    slack = await startFakeSlack({ channels: ['C0ANNOUNCE', 'C0APPROVALS'], users: SLACK_USERS });
    const chat = `chat:\n  slack:\n    enabled: true\n    botToken: ${slack.botToken}\n    signingSecret: 0123456789abcdef0123456789abcdef\n    apiUrl: ${slack.apiUrl}\n    channels: { announce: C0ANNOUNCE, approvals: C0APPROVALS }\n`;
    svc = await startConsoleService({ estate: { ...WEB_ESTATE, yaml: `${WEB_ESTATE.yaml}${chat}` } });
  });
  afterAll(async () => {
    await svc?.stop();
    await slack?.close();
  });

  it('one local user cannot propose as alice and approve as bob, carol and dave', async () => {
    const proposed = await call(svc.url, 'POST', '/messages', { channel: 'approvals', as: 'alice', text: PROPOSE });
    expect(proposed.status).toBe(403);
    expect(proposed.body.error).toMatch(/acts as nobody/);
    for (const voter of ['bob', 'carol', 'dave']) {
      expect((await call(svc.url, 'POST', '/actions', { messageId: '1', actionId: 'change.approve', as: voter })).status).toBe(403);
    }
    expect(await svc.store.changes.list({})).toEqual([]);
    expect((await call(svc.url, 'GET', '/session')).body).toMatchObject({ mode: 'anonymous' });
  });

  it("an access token acts as its owner only: as= naming anyone else is a 403, and alice's token cannot vote as bob", async () => {
    const alice = await tokenFor(svc, 'alice');
    const proposed = await call(svc.url, 'POST', '/messages', { channel: 'approvals', text: PROPOSE }, alice.auth);
    expect(proposed.body).toMatchObject({ ok: true, intent: 'propose' });
    const change = proposed.body.data.change as string;
    const card = await approvalCard(svc, alice.auth, change);
    for (const voter of ['bob', 'carol', 'dave']) {
      const vote = await call(svc.url, 'POST', '/actions', { messageId: card.id, actionId: 'change.approve', as: voter }, alice.auth);
      expect(vote.status).toBe(403);
      expect(vote.body.error).toBe(`this access token acts as alice and nobody else; \`as=${voter}\` is refused`);
    }
    expect((await call(svc.url, 'GET', '/channels?as=bob', undefined, alice.auth)).status).toBe(403);
    // bob's own token does count, as bob.
    const bob = await tokenFor(svc, 'bob');
    const vote = await call(svc.url, 'POST', '/actions', { messageId: card.id, actionId: 'change.approve' }, bob.auth);
    expect(vote.body).toMatchObject({ ok: true, data: { change, approvals: ['bob'] } });
    expect((await svc.store.changes.get(change))?.state).toBe('pending-approval');
    const used = (await svc.store.accessTokens.list()).find((t) => t.id === bob.id)!;
    expect(used.lastUsedAt).not.toBeNull();
  });

  it('a revoked, expired or made-up token is a 401', async () => {
    const revoked = await tokenFor(svc, 'carol');
    expect(await svc.store.accessTokens.revoke(revoked.id, new Date())).toBe(true);
    const expired = await tokenFor(svc, 'dave', new Date(Date.now() - 1000));
    for (const auth of [revoked.auth, expired.auth, { authorization: 'Bearer pat_made-up' }]) {
      expect((await call(svc.url, 'GET', '/channels', undefined, auth)).status).toBe(401);
    }
  });
});

describe('server.token lets a client in, never acts as a person', () => {
  let svc: ConsoleService;
  beforeAll(async () => {
    svc = await startConsoleService({ token: TOKEN });
  });
  afterAll(async () => svc?.stop());

  it('refuses to propose or vote as anyone with the server token', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await call(svc.url, 'GET', '/people', undefined, auth)).status).toBe(200);
    const proposed = await call(svc.url, 'POST', '/messages', { channel: 'approvals', as: 'alice', text: PROPOSE }, auth);
    expect(proposed.status).toBe(403);
    expect((await call(svc.url, 'POST', '/actions', { messageId: '1', actionId: 'change.approve', as: 'bob' }, auth)).status).toBe(403);
    expect((await call(svc.url, 'GET', '/events?as=bob', undefined, auth)).status).toBe(403);
    expect(await svc.store.changes.list({})).toEqual([]);
  });
});

describe('demo mode: the embedded default, and the page says so', () => {
  let svc: ConsoleService;
  beforeAll(async () => {
    svc = await startConsoleService();
  });
  afterAll(async () => svc?.stop());

  it('lets anyone act as anyone, and says it is a demo', async () => {
    expect((await call(svc.url, 'GET', '/session')).body).toEqual({ mode: 'demo', notice: expect.stringMatching(/anyone who can reach this page acts as anyone/) });
    expect((await call(svc.url, 'POST', '/messages', { channel: 'approvals', as: 'alice', text: PROPOSE })).body).toMatchObject({ ok: true });
  });
});
