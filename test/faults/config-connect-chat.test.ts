import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeConfig } from '../support/cli.ts';
import { type FakeSlack, SIGNING_SECRET, startFakeSlack } from '../support/fake-slack/index.ts';
import { APP_ID, APP_PASSWORD, type FakeTeams, startFakeTeams } from '../support/fake-teams/index.ts';
import { freePort } from '../support/postgres-cluster.ts';
import { runPatchbot } from '../support/process.ts';

/**
 * `patchbot config check --connect` against the chat fakes: Slack's auth.test (bot token) and
 * apps.connections.open (app-level token), and the Bot Framework's client-credentials token
 * (Teams, over TLS: the child trusts the fake's CA as a deployment behind a private CA would).
 * Each surface is its own check, so one refused credential hides no other, and every check reports.
 */
let slack: FakeSlack;
let teams: FakeTeams;
let dir: string;

beforeAll(async () => {
  [slack, teams] = await Promise.all([startFakeSlack({ channels: ['C0ANNOUNCE'] }), startFakeTeams()]);
  dir = mkdtempSync(join(tmpdir(), 'patchbot-connect-chat-'));
});
afterAll(async () => {
  await Promise.all([slack?.close(), teams?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Credentials {
  botToken?: string;
  appToken?: string;
  appPassword?: string;
  store?: string;
}

const check = async (given: Credentials = {}) => {
  const slackSection = {
    enabled: true,
    botToken: given.botToken ?? slack.botToken,
    appToken: given.appToken ?? slack.appToken,
    signingSecret: SIGNING_SECRET,
    apiUrl: slack.apiUrl,
    channels: { announce: 'C0ANNOUNCE' },
  };
  const teamsSection = { ...teams.config(given.appPassword ? { appPassword: given.appPassword } : {}), channels: { announce: '19:announce0000@thread.tacv2' } };
  const file = writeConfig(
    [
      `store: { url: '${given.store ?? `pglite://${join(dir, 'data')}`}' }`,
      'chat:',
      '  console: { enabled: false }',
      `  slack: ${JSON.stringify(slackSection)}`,
      `  teams: ${JSON.stringify(teamsSection)}`,
    ].join('\n'),
  );
  const result = await runPatchbot(['config', 'check', '--connect', '--config', file], { NODE_EXTRA_CA_CERTS: teams.caFile });
  // Whatever happened, no credential is printed.
  for (const secret of [slackSection.botToken, slackSection.appToken, teamsSection.appPassword, SIGNING_SECRET]) expect(result.stdout + result.stderr).not.toContain(secret);
  return result;
};

describe('config check --connect tries each chat surface', () => {
  it('reports every credential the fakes accepted, and exits 0', async () => {
    const before = slack.calls('auth.test').length;
    const result = await check();
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toContain('chat: slack: bot token accepted (bot user U0PATCHBOT');
    expect(result.stdout).toContain('chat: slack: app-level token accepted (Socket Mode)');
    expect(result.stdout).toContain(`chat: teams: Bot Framework token issued for app ${APP_ID}`);
    expect(result.stdout).toContain('itsm: nothing to reach (itsm.kind is none)');
    expect(result.stdout).not.toContain('FAILED');
    expect(result.code).toBe(0);
    // It asked Slack, not a cache.
    expect(slack.calls('auth.test').length - before).toBe(1);
  }, 60_000);

  it('a refused Slack bot token fails the check, and Teams, the store and the ITSM are still reported', async () => {
    const port = await freePort();
    const result = await check({ botToken: 'xoxb-0000-0000-revokedtoken', store: `postgres://patchbot@127.0.0.1:${port}/patchbot` });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/chat: slack: FAILED: .*invalid_auth/);
    expect(result.stdout).toContain(`chat: teams: Bot Framework token issued for app ${APP_ID}`);
    expect(result.stdout).toContain(`store: FAILED: Cannot reach the store at store.url (postgres://patchbot@127.0.0.1:${port}/patchbot)`);
    expect(result.stdout).toContain('itsm: nothing to reach (itsm.kind is none)');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('a refused Slack app-level token fails Slack alone', async () => {
    const result = await check({ appToken: 'xapp-1-A0PATCHBOT-0000-revoked' });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('chat: slack: FAILED: ');
    expect(result.stdout).toMatch(/chat: slack: FAILED: .*invalid_auth/);
    expect(result.stdout).toContain(`chat: teams: Bot Framework token issued for app ${APP_ID}`);
  }, 60_000);

  it('a wrong Bot Framework secret fails the Teams check, and Slack is still reported', async () => {
    const result = await check({ appPassword: 'not~the~secret~0000000000000000' });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/chat: teams: FAILED: Microsoft Entra ID refused chat.teams.appId \/ appPassword: invalid_client: .*AADSTS7000215/);
    expect(result.stdout).toContain('chat: slack: bot token accepted (bot user U0PATCHBOT');
    expect(result.stdout).toContain('itsm: nothing to reach (itsm.kind is none)');
    expect(result.stdout).not.toContain(APP_PASSWORD);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
