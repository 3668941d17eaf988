import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../console/support/http.ts';
import { shown } from '../slack/harness.ts';
import { shownCard } from '../support/fake-teams/card-check.ts';
import { type FakeTeams, startFakeTeams } from '../support/fake-teams/index.ts';
import { type FakeSlack, SIGNING_SECRET, startFakeSlack } from '../support/fake-slack/index.ts';
import { SLACK_USERS } from '../slack/harness.ts';
import { CHANNEL_ANNOUNCE, CHANNEL_APPROVALS, startWithTeams, type TeamsService, USERS, waitFor } from './harness.ts';

/**
 * Slack, Teams and the console on one service: one change's approval card on each, a vote on any
 * surface updating every copy and the one tally, the decision in the change's thread on each.
 */

const PATCH = 'deb:openssl@3.0.22-1~deb12u2';
const SLACK_APPROVALS = 'C0APPROVALS';
let teams: FakeTeams;
let slack: FakeSlack;
let bot: TeamsService;

beforeAll(async () => {
  teams = await startFakeTeams({ users: Object.values(USERS) });
  slack = await startFakeSlack({ channels: ['C0ANNOUNCE', SLACK_APPROVALS], users: SLACK_USERS });
  bot = await startWithTeams(teams, {
    console: true,
    consoleTokensFor: ['alice', 'carol', 'dave'],
    chat: `  slack:
    enabled: true
    botToken: ${slack.botToken}
    signingSecret: ${SIGNING_SECRET}
    apiUrl: ${slack.apiUrl}
    channels: { announce: C0ANNOUNCE, approvals: ${SLACK_APPROVALS} }
`,
  });
}, 120_000);
afterAll(async () => {
  await bot?.stop();
  await teams?.stop();
  await slack?.close();
});

type ConsoleMessage = { id: string; card?: { title: string; text?: string; actions?: { id: string }[] }; private?: boolean; thread?: string | null };
const consoleMessages = async (as: string) => (await call(bot.url, 'GET', '/channels/approvals/messages', undefined, bot.consoleAuth[as])).body.messages as ConsoleMessage[];
const copies = async () => {
  const slackCard = slack.messages(SLACK_APPROVALS).find((m) => shown(m.blocks).title.startsWith('CHG-1:'));
  const teamsCard = teams.postsIn(CHANNEL_APPROVALS).find((p) => !p.threadRoot && shownCard(p.card).title.startsWith('CHG-1:'));
  const consoleCard = (await consoleMessages('carol')).find((m) => !m.private && m.card?.title.startsWith('CHG-1:'));
  return { slackCard, teamsCard, consoleCard };
};
/** The tally line as each surface shows it. */
const tallies = async () => {
  const { slackCard, teamsCard, consoleCard } = await copies();
  const line = (text: string) => /\d of 3 CAB approvals[^\n_*]*/.exec(text)?.[0]?.trim();
  return [line(shown(slackCard!.blocks).text), line(shownCard(teamsCard!.card).text), line(consoleCard!.card!.text ?? '')];
};

describe('Across surfaces: Slack, Teams and the console on one service', () => {
  it('posts one change’s approval card on each surface', async () => {
    // The startup scan's digest says the patch is known: only then can it be proposed.
    await waitFor('the digest on Teams', () => teams.postsIn(CHANNEL_ANNOUNCE)[0], 90_000);
    const proposed = await call(bot.url, 'POST', '/messages', { channel: 'approvals', text: `propose ${PATCH} to prod-web` }, bot.consoleAuth.alice);
    expect(proposed.body).toMatchObject({ ok: true, intent: 'propose' });
    const all = await waitFor(
      'a card on every surface',
      async () => {
        const found = await copies();
        return found.slackCard && found.teamsCard && found.consoleCard ? found : null;
      },
      60_000,
    );
    expect(shown(all.slackCard!.blocks).buttons).toEqual(['change.approve', 'change.reject']);
    expect(shownCard(all.teamsCard!.card).verbs).toEqual(['change.approve', 'change.reject']);
    expect(all.consoleCard!.card!.actions!.map((a) => a.id)).toEqual(['change.approve', 'change.reject']);
    expect(await tallies()).toEqual(['0 of 3 CAB approvals', '0 of 3 CAB approvals', '0 of 3 CAB approvals']);
  });

  it('a vote on Slack updates the Teams and console copies', async () => {
    const { slackCard } = await copies();
    await slack.bot(`${bot.url}/slack/events`).click({ user: 'U0BOB', channel: SLACK_APPROVALS, ts: slackCard!.ts, actionId: 'change.approve' });
    await waitFor('bob on every copy', async () => (await tallies()).every((t) => t === '1 of 3 CAB approvals: bob'));
  });

  it('a vote on Teams updates the Slack and console copies', async () => {
    const { teamsCard } = await copies();
    const answer = await teams.sender(bot.url).send(teams.sender(bot.url).click(USERS.carol, teamsCard!, 'change.approve'));
    expect(answer.status).toBe(200);
    await waitFor('carol on every copy', async () => (await tallies()).every((t) => t === '2 of 3 CAB approvals: bob, carol'));
  });

  it('the deciding vote on the console locks every copy, and the decision is in the change’s thread on each', async () => {
    const { consoleCard, slackCard, teamsCard } = await copies();
    const vote = await call(bot.url, 'POST', '/actions', { messageId: consoleCard!.id, actionId: 'change.approve' }, bot.consoleAuth.dave);
    expect(vote.body).toMatchObject({ ok: true });
    await waitFor('the final tally everywhere', async () => (await tallies()).every((t) => t === '3 of 3 CAB approvals: bob, carol, dave'));
    await waitFor('no buttons left anywhere', async () => {
      const now = await copies();
      return shown(now.slackCard!.blocks).buttons.length === 0 && shownCard(now.teamsCard!.card).verbs.length === 0 && !now.consoleCard!.card!.actions?.length;
    });
    await waitFor('the decision in the Slack thread', () => slack.thread(SLACK_APPROVALS, slackCard!.ts).some((m) => shown(m.blocks).title === 'CHG-1 approved'));
    await waitFor('the decision in the Teams thread', () => teams.postsIn(CHANNEL_APPROVALS).some((p) => p.threadRoot === teamsCard!.id && shownCard(p.card).title === 'CHG-1 approved'));
    await waitFor('the decision on the console', async () => (await consoleMessages('carol')).some((m) => m.card?.title === 'CHG-1 approved'));
    // One tally: each copy of the card is still the only one on its surface.
    expect(slack.messages(SLACK_APPROVALS).filter((m) => shown(m.blocks).title.startsWith('CHG-1:'))).toHaveLength(1);
    expect(teams.postsIn(CHANNEL_APPROVALS).filter((p) => !p.threadRoot && shownCard(p.card).title.startsWith('CHG-1:'))).toHaveLength(1);
  });
});
