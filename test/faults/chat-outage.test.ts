import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { syncConfigToStore } from '../../src/service/sync-config.ts';
import { shown, SLACK_USERS } from '../slack/harness.ts';
import { closedWindowsYaml } from '../support/closed-windows.ts';
import { type FakeSlack, SIGNING_SECRET, startFakeSlack } from '../support/fake-slack/index.ts';
import { shownCard } from '../support/fake-teams/card-check.ts';
import { type FakeTeams, startFakeTeams } from '../support/fake-teams/index.ts';
import { platform } from '../support/platform.ts';
import { type Cluster, postgresAvailable, startCluster } from '../support/postgres-cluster.ts';
import { type ServiceProcess, startPatchbot } from '../support/process.ts';
import { writeReplayPlaybooks } from '../support/replay-playbooks.ts';
import { until } from '../support/until.ts';
import { CHANNEL_ANNOUNCE, CHANNEL_APPROVALS, TEAMS_PEOPLE, USERS } from '../teams/harness.ts';

/**
 * The database away under Slack and Teams (issue #15): a real PostgreSQL server stopped for 30 s
 * under a real `patchbot start` with both surfaces on their loopback fakes. A slash command, a
 * mention and a button click on each surface, signed as the vendor signs them, are answered with
 * the outage reply instead of hanging; the clicks are not counted, and once the database is back
 * the same clicks count exactly once.
 */
const OUTAGE_MS = 30_000;
const UNAVAILABLE = /database is unavailable, try again/i;
const PATCH = 'DSA-5999-1';
const SLACK_APPROVALS = 'C0APPROVALS';
const missing = postgresAvailable();
if (missing) console.warn(`chat outage test skipped: ${missing}`);

let cluster: Cluster;
let service: ServiceProcess;
let slack: FakeSlack;
let teams: FakeTeams;
let dir: string;

const seed = async (url: string, file: string) => {
  const { config } = await loadConfig({ files: [file], env: {}, cwd: dir });
  const handle = await platform.openStore(url, { migrate: true });
  try {
    const { store } = handle;
    await syncConfigToStore(store, config);
    const at = new Date(Date.now() - 60_000);
    await store.patches.upsert([{ id: PATCH, title: 'openssl security update', severity: 'critical', security: true, cves: [], rebootHint: false, firstSeen: at }], 'scan-seed');
    await store.scans.start('scan-seed', 'test', ['web-01'], at);
    await store.scans.recordHost({ scanId: 'scan-seed', host: 'web-01', outcome: 'ok', startedAt: at, finishedAt: at, rebootRequired: false });
    await store.findings.record('scan-seed', 'web-01', [{ patchId: PATCH, state: 'missing' }], at);
    await store.scans.finish('scan-seed', at);
  } finally {
    await handle.close();
  }
};

const votes = async (change: string) => {
  const handle = await platform.openStore(cluster.url, { migrate: false });
  try {
    return (await handle.store.votes.list(change)).map((v) => v.person).sort();
  } finally {
    await handle.close();
  }
};

const slackCard = () => slack.messages(SLACK_APPROVALS).find((m) => shown(m.blocks).title.startsWith('CHG-1:'));
const teamsCard = () => teams.postsIn(CHANNEL_APPROVALS).find((p) => !p.threadRoot && shownCard(p.card).title.startsWith('CHG-1:'));

describe.skipIf(missing)('the database goes away under Slack and Teams', () => {
  beforeAll(async () => {
    cluster = await startCluster();
    [slack, teams] = await Promise.all([startFakeSlack({ channels: ['C0ANNOUNCE', SLACK_APPROVALS], users: SLACK_USERS }), startFakeTeams({ users: Object.values(USERS) })]);
    dir = mkdtempSync(join(tmpdir(), 'patchbot-chat-outage-'));
    writeReplayPlaybooks(join(dir, 'playbooks'));
    const teamsSection = { ...teams.config(), channels: { announce: CHANNEL_ANNOUNCE, approvals: CHANNEL_APPROVALS } };
    const file = join(dir, 'patchbot.yaml');
    writeFileSync(
      file,
      `server: { host: 127.0.0.1, port: 0 }
log: { level: warn }
store: { url: '${cluster.url}' }
schedules: { discovery: null }
playbooks: { dir: ${join(dir, 'playbooks')} }
${closedWindowsYaml()}inventory:
  hosts:
    - { name: web-01, address: 127.0.0.1, os: debian, connection: local, groups: [prod-web] }
  groups:
    - { name: prod-web, members: [web-01], production: true }
${TEAMS_PEOPLE}chat:
  console: { enabled: false }
  slack:
    enabled: true
    botToken: ${slack.botToken}
    signingSecret: ${SIGNING_SECRET}
    apiUrl: ${slack.apiUrl}
    channels: { announce: C0ANNOUNCE, approvals: ${SLACK_APPROVALS} }
  teams: ${JSON.stringify(teamsSection)}
`,
    );
    await seed(cluster.url, file);
    service = await startPatchbot(['--config', file], { NODE_EXTRA_CA_CERTS: teams.caFile });
  }, 180_000);

  afterAll(async () => {
    if (service?.child.exitCode === null) await service.stop('SIGKILL');
    await slack?.close();
    await teams?.stop();
    cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers commands, mentions and clicks on both surfaces with the outage reply, counts no click, and counts each once after', async () => {
    const slackBot = slack.bot(`${service.url}/slack/events`);
    const teamsBot = teams.sender(service.url);
    const proposed = await slackBot.command({ user: 'U0ALICE', channel: SLACK_APPROVALS, text: `propose ${PATCH} to prod-web` });
    expect(proposed.status).toBe(200);
    await until('the card on Slack and Teams', async () => slackCard() && teamsCard(), 60_000);

    cluster.pause();
    const outageStarted = Date.now();
    await until('/readyz to say the store is away', async () => (await fetch(`${service.url}/readyz`)).status === 503);

    // Slack: a slash command (answered through its response_url), a mention and a click (answered
    // privately, chat.postEphemeral), each acknowledged at once and then answered.
    const command = await slackBot.command({ user: 'U0CAROL', channel: SLACK_APPROVALS, text: 'changes' });
    expect(command.status).toBe(200);
    const hookPosts = await until('the Slack command answer', async () => slack.hook(command.hookId)?.posts.length && slack.hook(command.hookId)!.posts, 20_000);
    expect(JSON.stringify(hookPosts)).toMatch(UNAVAILABLE);
    const mention = await slackBot.event({ type: 'app_mention', user: 'U0DAVE', channel: SLACK_APPROVALS, text: '<@U0PATCHBOT> pending' });
    expect(mention.status).toBe(200);
    const told = (user: string) => slack.ephemerals({ user, via: 'chat.postEphemeral' }).map((e) => `${e.text}\n${shown(e.blocks).text}`);
    expect(await until('the Slack mention answer', async () => told('U0DAVE').find((t) => UNAVAILABLE.test(t)), 20_000)).toBeTruthy();
    const click = await slackBot.click({ user: 'U0BOB', channel: SLACK_APPROVALS, ts: slackCard()!.ts, actionId: 'change.approve' });
    expect(click.status).toBe(200);
    expect(await until('the Slack click answer', async () => told('U0BOB').find((t) => UNAVAILABLE.test(t)), 20_000)).toBeTruthy();

    // Teams: a mention (answered in a 1:1 chat, Teams having no ephemeral messages) and a click
    // (answered in the invoke response itself, as any refusal is).
    const teamsMention = await teamsBot.send(teamsBot.mention(USERS.erin, CHANNEL_APPROVALS, 'pending'));
    expect(teamsMention.status).toBe(200);
    const chatOf = (user: (typeof USERS)[keyof typeof USERS]) => `a:1${user.aadObjectId}`;
    const erinSees = () => teams.postsIn(chatOf(USERS.erin)).map((p) => `${p.text ?? ''}\n${p.card ? shownCard(p.card).text : ''}`);
    expect(await until('the Teams mention answer', async () => erinSees().find((t) => UNAVAILABLE.test(t)), 20_000)).toBeTruthy();
    const teamsClick = await teamsBot.send(teamsBot.click(USERS.carol, teamsCard()!, 'change.approve'));
    expect(teamsClick.status).toBe(200);
    expect(teamsClick.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: expect.stringMatching(UNAVAILABLE) });
    // Still one card on each surface, with its buttons: nothing decided, nothing half-done.
    expect(shown(slackCard()!.blocks).buttons).toEqual(['change.approve', 'change.reject']);
    expect(shownCard(teamsCard()!.card).verbs).toEqual(['change.approve', 'change.reject']);

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - outageStarted))));
    expect(service.child.exitCode).toBeNull();
    cluster.resume();
    await until('/readyz to be ready again', async () => (await fetch(`${service.url}/readyz`)).status === 200, 30_000);

    // Neither click was half-counted.
    expect(await votes('CHG-1')).toEqual([]);
    // The same clicks now count, once each.
    await slackBot.click({ user: 'U0BOB', channel: SLACK_APPROVALS, ts: slackCard()!.ts, actionId: 'change.approve' });
    const again = await teamsBot.send(teamsBot.click(USERS.carol, teamsCard()!, 'change.approve'));
    expect(again.status).toBe(200);
    await until('both votes', async () => (await votes('CHG-1')).length === 2, 30_000);
    expect(await votes('CHG-1')).toEqual(['bob', 'carol']);
    expect(service.child.exitCode).toBeNull();
    expect(service.output()).not.toMatch(/unhandled|uncaught/i);
  }, 240_000);
});
