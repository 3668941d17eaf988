import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../console/support/http.ts';
import { shownCard } from '../support/fake-teams/card-check.ts';
import { type FakeTeams, type FakeUser, startFakeTeams, TENANT_ID } from '../support/fake-teams/index.ts';
import { CHANNEL_APPROVALS, startWithTeams, type TeamsService, USERS, waitFor } from './harness.ts';

/**
 * One Entra ID tenant only. A Bot Framework token proves the channel sent an activity, not which
 * organisation it came from: another tenant that installs an app with our bot id gets tokens too,
 * and its admins decide what its users' roster emails say. Mallory there has bob's address as her
 * email; her activities must be refused before anything is learned from them or done for them,
 * while the home tenant works as before. No `chat.teams.serviceUrl` is configured, so the
 * Connector address is only what activities teach.
 */

const PATCH = 'deb:openssl@3.0.22-1~deb12u2';
const EVIL_TENANT = 'e0e0e0e0-0000-4000-8000-0000000000e7';
const MALLORY: FakeUser = { id: '29:mallory', aadObjectId: '00000000-ffff-0000-0000-00000000ba11', name: 'Mallory', email: 'bob@example.com', tenantId: EVIL_TENANT };
/** A B2B guest in the home tenant whose roster email is bob's: guests' emails name nobody either. */
const GUEST_BOB: FakeUser = { id: '29:guestbob', aadObjectId: '00000000-9999-0000-0000-0000000b0b99', name: 'Bob (guest)', email: 'bob@example.com', userRole: 'guest' };

let fake: FakeTeams;
let bot: TeamsService;
let sender: ReturnType<FakeTeams['sender']>;
let evilUrl: string;

type Activity = Record<string, unknown> & { conversation: Record<string, unknown>; channelData?: Record<string, unknown> };

/** `activity` as another tenant sends it, its Connector address (and token claim) pointing elsewhere. */
const fromElsewhere = (activity: Activity, tenants: { conversation?: string | null; channel?: string | null } = { conversation: EVIL_TENANT, channel: EVIL_TENANT }) => {
  const { tenantId: _t, ...conversation } = activity.conversation;
  const { tenant: _c, ...channelData } = activity.channelData ?? {};
  return {
    ...activity,
    serviceUrl: evilUrl,
    conversation: { ...conversation, ...(tenants.conversation ? { tenantId: tenants.conversation } : {}) },
    channelData: { ...channelData, ...(tenants.channel ? { tenant: { id: tenants.channel } } : {}) },
  };
};
const sendElsewhere = (activity: Record<string, unknown>) => sender.send(activity, { claims: { serviceurl: evilUrl } });

const refusals = () => bot.logs().filter((l) => l.msg === 'teams request refused' && l.reason === 'foreign tenant').length;
const approvalCard = () => fake.postsIn(CHANNEL_APPROVALS).find((p) => !p.threadRoot);
const chatOf = (user: FakeUser) => `a:1${user.aadObjectId}`;
const clickBody = (answer: { body: Record<string, unknown> | null }) => answer.body as { statusCode: number; type: string; value: unknown };

beforeAll(async () => {
  fake = await startFakeTeams({ users: [...Object.values(USERS), MALLORY, GUEST_BOB] });
  evilUrl = `${fake.url}/evil/`;
  bot = await startWithTeams(fake, { teams: { serviceUrl: undefined }, console: true, consoleTokensFor: ['alice'] });
  sender = fake.sender(bot.url);
  // The startup scan must be in before anything is proposed (its digest has no Connector address yet).
  await bot.logged('scan finished', {}, 90_000);
}, 180_000);
afterAll(async () => {
  await bot?.stop();
  await fake?.stop();
});

describe('Teams: activities from another Entra ID tenant', () => {
  it('answers the home tenant, and learns the Connector address from it', async () => {
    expect((await sender.send(sender.personal(USERS.alice, 'help'))).status).toBe(200);
    const help = await waitFor('help', () => fake.postsIn(chatOf(USERS.alice))[0]);
    expect(shownCard(help.card).text).toMatch(/propose/);
    // Its work is over before the next test counts Connector calls.
    await bot.logged('teams message handled');
  });

  it.each<[string, () => Activity]>([
    ['a proposal in a 1:1 chat', () => fromElsewhere(sender.personal(MALLORY, `propose ${PATCH} to prod-web`))],
    ['a channel mention naming the tenant in channelData only', () => fromElsewhere(sender.mention(MALLORY, '19:shared0000@thread.tacv2', 'help'), { channel: EVIL_TENANT })],
    ['a message naming the tenant in the conversation only', () => fromElsewhere(sender.personal(MALLORY, 'help'), { conversation: EVIL_TENANT })],
    ['a message naming the home tenant in one field and another in the other', () => fromElsewhere(sender.personal(MALLORY, 'help'), { conversation: TENANT_ID, channel: EVIL_TENANT })],
    ['a message naming no tenant at all', () => fromElsewhere(sender.personal(MALLORY, 'help'), { conversation: null, channel: null })],
  ])('refuses %s with 403, validly signed, and does nothing', async (_what, build) => {
    const calls = fake.tenant.calls.length;
    const before = refusals();
    const activity = build();
    const answer = await sendElsewhere(activity);
    expect(answer.status).toBe(403);
    expect(answer.body).toEqual({ error: expect.stringMatching(/one Microsoft Entra ID tenant/) });
    await waitFor('the refusal in the log', () => refusals() > before);
    // Nothing at all went to either Connector: no roster look-up, no answer, no post.
    expect(fake.tenant.calls.slice(calls)).toEqual([]);
    // Nor was it dispatched: no log line names the activity (a handled one would, by its id).
    expect(bot.logs().filter((l) => JSON.stringify(l).includes(String(activity.id)))).toEqual([]);
  });

  it('learned nothing from them: a proposal made on the console is the first change and goes to the home Connector', async () => {
    const proposed = await call(bot.url, 'POST', '/messages', { channel: 'approvals', text: `propose ${PATCH} to prod-web` }, bot.consoleAuth.alice);
    expect(proposed.body).toMatchObject({ ok: true, intent: 'propose' });
    const card = await waitFor('the approval card', approvalCard, 30_000);
    const shown = shownCard(card.card);
    // CHG-1: Mallory's proposal made no change; requested by alice, never by "bob".
    expect(shown.title).toMatch(/^CHG-1: /);
    expect(shown.text).toContain('Requested by: alice');
    expect(fake.tenant.calls.filter((c) => c.path.startsWith('/evil/'))).toEqual([]);
  });

  it('refuses a click from the other tenant; a guest with bob’s email is nobody; bob himself votes', async () => {
    const card = approvalCard()!;
    const edits = card.cards.length;
    const foreign = await sendElsewhere(fromElsewhere(sender.click(MALLORY, card, 'change.approve')));
    expect(foreign.status).toBe(403);

    const guest = await sender.send(sender.click(GUEST_BOB, card, 'change.approve'));
    expect(String(clickBody(guest).value)).toMatch(/Only configured people can vote/);
    expect(card.cards).toHaveLength(edits);

    const bob = await sender.send(sender.click(USERS.bob, card, 'change.approve'));
    expect(shownCard(clickBody(bob).value as Record<string, unknown>).text).toContain('1 of 3 CAB approvals: bob');
    await waitFor('the shared edit', () => shownCard(card.card).text.includes('1 of 3 CAB approvals: bob'));
    expect(fake.tenant.calls.filter((c) => c.path.startsWith('/evil/'))).toEqual([]);
  });

  it('shows a person’s hostile text literally in the card it sends', async () => {
    // One word of at most 40 characters: `help` quotes an unknown topic back ("There is no `…` command").
    const hostile = '[Sign-in](https://evil.example/sso)';
    await sender.send(sender.personal(USERS.alice, `help ${hostile}`));
    const answer = await waitFor('the answer', () => fake.postsIn(chatOf(USERS.alice)).find((p) => shownCard(p.card).text.includes(hostile)));
    const json = JSON.stringify(answer.card);
    expect(json).not.toContain(hostile);
    expect(json).toContain(JSON.stringify('\\[Sign-in\\]\\(https://evil.example/sso)').slice(1, -1));
  });
});
