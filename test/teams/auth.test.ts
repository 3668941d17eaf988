import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSigningKey } from '../support/fake-teams/jwt.ts';
import { type FakeTeams, startFakeTeams } from '../support/fake-teams/index.ts';
import { runPatchbot } from '../support/process.ts';
import { CHANNEL_ANNOUNCE, startWithTeams, type TeamsService, USERS, waitFor } from './harness.ts';

/**
 * Every way a request to /api/messages can fail the Bot Framework's authentication is a 401 that
 * does nothing: no dispatch, no Connector call. A correctly signed request then goes through,
 * which shows each refusal was about the one thing changed.
 */
describe('Teams: /api/messages authentication', () => {
  let fake: FakeTeams;
  let bot: TeamsService;

  beforeAll(async () => {
    fake = await startFakeTeams({ users: Object.values(USERS) });
    // The console on, behind a server token: its guard must neither cover /api/messages nor take a Bot Framework token.
    bot = await startWithTeams(fake, { console: true, serverToken: CONSOLE_TOKEN });
    // The startup scan's digest is the service's own post: let it land before counting Connector calls.
    await waitFor('the digest', () => fake.postsIn(CHANNEL_ANNOUNCE)[0], 90_000);
  }, 180_000);
  afterAll(async () => {
    await bot?.stop();
    await fake?.stop();
  });

  const CONSOLE_TOKEN = 'console-token-0123456789abcdef';
  const foreign = newSigningKey('fake-teams-key', ['msteams']);
  const unknown = newSigningKey('no-such-kid', ['msteams']);
  const now = () => Math.floor(Date.now() / 1000);

  const cases: [string, Parameters<ReturnType<FakeTeams['sender']>['send']>[1]][] = [
    ['no Authorization header', { header: false }],
    ['alg: none', { alg: 'none' }],
    ['an unknown kid', { key: unknown }],
    ['a foreign key under the published kid', { key: foreign }],
    ['the wrong audience', { claims: { aud: 'someone-elses-app-id' } }],
    ['expired past the 5-minute skew', { claims: { exp: now() - 6 * 60, nbf: now() - 3600, iat: now() - 3600 } }],
    ['the wrong issuer', { claims: { iss: 'https://evil.example' } }],
    ['a serviceurl claim that is not the activity serviceUrl', { claims: { serviceurl: 'https://smba.trafficmanager.net/evil/' } }],
  ];

  it.each(cases)('refuses %s with 401 and sends nothing', async (_what, token) => {
    const sender = fake.sender(bot.url);
    const before = fake.connectorCalls().length;
    const refused = () => bot.logs().filter((l) => l.msg === 'teams request refused').length;
    const refusedBefore = refused();
    const answer = await sender.send(sender.personal(USERS.alice, 'help'), token);
    expect(answer.status).toBe(401);
    // The activity never reached the dispatcher: an accepted `help` would post (see the last test).
    await waitFor('the refusal in the log', () => refused() > refusedBefore);
    expect(fake.connectorCalls().length).toBe(before);
    expect(bot.logs().filter((l) => l.msg === 'teams message handled')).toEqual([]);
  });

  it('refuses a key not endorsed for msteams with 401', async () => {
    const sender = fake.sender(bot.url);
    const before = fake.connectorCalls().length;
    const answer = await sender.send(sender.personal(USERS.alice, 'help'), { key: fake.keys.webchat });
    expect(answer.status).toBe(401);
    expect(fake.connectorCalls().length).toBe(before);
  });

  it('refuses a Bot Framework token on the console API, and an unsigned click', async () => {
    const sender = fake.sender(bot.url);
    const viaConsole = await fetch(`${bot.url}/api/console/people`, { headers: { authorization: `Bearer ${sender.token()}` } });
    expect(viaConsole.status).toBe(401);
    // The console answers its own token, so the 401 above is about the JWT, not a missing route.
    expect((await fetch(`${bot.url}/api/console/people`, { headers: { authorization: `Bearer ${CONSOLE_TOKEN}` } })).status).toBe(200);
    const click = await sender.send(
      { ...sender.personal(USERS.alice, ''), type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'x' } } },
      { alg: 'none' },
    );
    expect(click.status).toBe(401);
  });

  it('accepts the same activity correctly signed, and answers it (the console token is not asked for)', async () => {
    const sender = fake.sender(bot.url);
    const activity = sender.personal(USERS.alice, 'help');
    const answer = await sender.send(activity);
    expect(answer.status).toBe(200);
    const post = await bot.logged('teams message handled').then(() => fake.postsIn(activity.conversation.id));
    expect(post.length).toBe(1);
  });

  it('acknowledges being installed in a team with 2xx and posts nothing', async () => {
    const sender = fake.sender(bot.url);
    const before = fake.connectorCalls().length;
    const answer = await sender.send(sender.installed(USERS.alice, CHANNEL_ANNOUNCE));
    expect(answer.status).toBe(200);
    expect(fake.connectorCalls().length).toBe(before);
  });
});

describe('Teams: credentials at startup', () => {
  it('stops with one clear line when the login authority refuses the secret', async () => {
    const fake = await startFakeTeams();
    try {
      const dir = mkdtempSync(join(tmpdir(), 'patchbot-teams-bad-'));
      const config = join(dir, 'patchbot.yaml');
      writeFileSync(
        config,
        `server: { host: 127.0.0.1, port: 0 }\nstore: { url: 'pglite://memory' }\nchat:\n  console: { enabled: false }\n  teams: ${JSON.stringify({ ...fake.config({ appPassword: 'not-the-secret' }), channels: { announce: CHANNEL_ANNOUNCE } })}\n`,
      );
      const run = await runPatchbot(['start', '--config', config], { NODE_EXTRA_CA_CERTS: fake.caFile });
      expect(run.code).not.toBe(0);
      expect(run.stderr + run.stdout).toMatch(/Microsoft Entra ID refused chat\.teams\.appId \/ appPassword/);
      expect(run.stderr + run.stdout).not.toContain('not-the-secret');
      expect(fake.connectorCalls()).toEqual([]);
      rmSync(dir, { recursive: true, force: true });
    } finally {
      await fake.stop();
    }
  }, 60_000);
});
