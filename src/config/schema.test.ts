import { describe, expect, it } from 'vitest';
import { formatPath, problemsOf } from './issues.ts';
import { Config, type ConfigInput } from './schema.ts';
import { configWarnings } from './warnings.ts';

/** `path: message` lines for a config built in code (no files, no environment). */
const problems = (input: ConfigInput): string[] => {
  const result = Config.safeParse(input, { reportInput: true });
  return result.success ? [] : result.error.issues.flatMap((issue) => problemsOf(issue, Config)).map((p) => `${formatPath(p.path)}: ${p.message}`);
};
const paths = (input: ConfigInput) => problems(input).map((line) => line.slice(0, line.indexOf(': ')));

describe('Config cross-field rules', () => {
  it.each<[string, ConfigInput, string[]]>([
    ['a local host needs no address', { inventory: { hosts: [{ name: 'here', os: 'debian', connection: 'local' }] } }, []],
    ['an ssh host still needs its address', { inventory: { hosts: [{ name: 'there', os: 'debian' }] } }, ['inventory.hosts.0.address']],
    ['slack off needs nothing', { chat: { slack: { enabled: false, botToken: 'xoxb-left-over' } } }, []],
    ['slack on needs token, secret, channel', { chat: { slack: { enabled: true } } }, ['chat.slack.botToken', 'chat.slack.signingSecret', 'chat.slack.channels.announce']],
    ['slack socket mode needs no signing secret', { chat: { slack: { enabled: true, botToken: 'xoxb-1', appToken: 'xapp-1', channels: { announce: 'C1' } } } }, []],
    ['slack tokens are checked by prefix', { chat: { slack: { botToken: 'xoxp-user', appToken: 'xoxb-1' } } }, ['chat.slack.botToken', 'chat.slack.appToken']],
    ['teams single tenant', { chat: { teams: { enabled: true, channels: { announce: '19:a@thread.tacv2' } } } }, ['chat.teams.appId', 'chat.teams.appPassword', 'chat.teams.tenantId']],
    [
      'teams multi tenant still names its home tenant',
      { chat: { teams: { enabled: true, appType: 'MultiTenant', appId: 'id', appPassword: 'p', channels: { announce: 'c' } } } },
      ['chat.teams.tenantId'],
    ],
    ['teams managed identity needs no password', { chat: { teams: { enabled: true, appType: 'UserAssignedMSI', appId: 'id', tenantId: 't', channels: { announce: 'c' } } } }, []],
    ['teams auth: an http login authority is refused (MSAL takes https only)', { chat: { teams: { auth: { loginUrl: 'http://127.0.0.1:1/t' } } } }, ['chat.teams.auth.loginUrl']],
    ['teams auth: unknown keys', { chat: { teams: { auth: { openIdMetadata: 'https://x' } } } as unknown as ConfigInput['chat'] }, ['chat.teams.auth.openIdMetadata']],
    ['servicenow section', { itsm: { kind: 'servicenow' } }, ['itsm.servicenow']],
    [
      'servicenow oauth half set',
      { itsm: { kind: 'servicenow', servicenow: { instanceUrl: 'https://x.service-now.com', username: 'u', password: 'p', oauth: { clientSecret: 's' } } } },
      ['itsm.servicenow.oauth.clientId'],
    ],
    ['inactive itsm sections are ignored', { itsm: { kind: 'none', jira: { apiToken: 'left-over' } } }, []],
    ['server on all interfaces needs a token', { server: { host: '0.0.0.0' } }, ['server.token']],
    ['loopback needs none', { server: { host: '127.0.0.2' } }, []],
    ['group without members or selector', { inventory: { groups: [{ name: 'empty' }] } }, ['inventory.groups.0']],
    [
      'duplicate slack ids',
      {
        people: [
          { name: 'a', slack: 'U1' },
          { name: 'b', slack: 'U1' },
        ],
      },
      ['people.1.slack'],
    ],
    [
      'ITSM account ids: unique, and never blank or padded',
      {
        people: [
          { name: 'a', jira: '5b10ac8d82e05b22cc7d4ef5', servicenow: 'abel.tuter' },
          { name: 'b', jira: '5b10ac8d82e05b22cc7d4ef5', servicenow: 'abel.tuter' },
          { name: 'c', jira: '', servicenow: ' beth.anglin' },
        ],
      },
      ['people.2.jira', 'people.2.servicenow', 'people.1.jira', 'people.1.servicenow'],
    ],
    [
      'proposal may use the now window',
      { inventory: { groups: [{ name: 'g', members: [] }] }, schedules: { proposals: [{ name: 'p', cron: '0 9 * * 2', patches: 'critical', targets: ['g'], window: 'now' }] } },
      [],
    ],
    ['discovery may be off', { schedules: { discovery: null } }, []],
    ['rollout: defaults need nothing', { rollout: {} }, []],
    ['rollout: percent waves must add up to 100', { rollout: { waves: [{ percent: 30 }, { groups: ['g'] }, { percent: 30 }] } }, ['rollout.waves']],
    ['rollout: a wave is groups or a percent', { rollout: { waves: [{ groups: ['g'], percent: 50 }, { soak: '1h' }, { percent: 100 }] } }, ['rollout.waves.0', 'rollout.waves.1']],
    [
      'rollout: every bad value, with its path',
      { rollout: { pilot: { group: 'a b', size: 0 }, defaults: { concurrency: 0, failureBudget: '10', soak: '5' }, spreadBy: '', emergency: { soak: 5 as unknown as string } } },
      ['rollout.pilot.group', 'rollout.pilot.size', 'rollout.defaults.concurrency', 'rollout.defaults.failureBudget', 'rollout.defaults.soak', 'rollout.spreadBy', 'rollout.emergency.soak'],
    ],
    ['rollout: smoke checks by name or with params', { rollout: { defaults: { smoke: ['smoke-systemd', { playbook: 'smoke-http', params: { url: 'http://127.0.0.1/' } }] } } }, []],
    [
      'rollout: unknown keys',
      { rollout: { pilot: { soka: '5m' }, waves: [{ percent: 100, concurency: 2 }] } as unknown as ConfigInput['rollout'] },
      ['rollout.pilot.soka', 'rollout.waves.0.concurency'],
    ],
  ])('%s', (_name, input, expected) => {
    expect(paths(input)).toEqual(expected);
  });

  it('warns about people without an id in the ITSM that decides approvals', () => {
    const itsm = { kind: 'servicenow', servicenow: { instanceUrl: 'https://x.service-now.com', username: 'u', password: 'p' } } as const;
    const people = [
      { name: 'a', servicenow: 'abel.tuter' },
      { name: 'b', jira: 'acc-b' },
    ];
    const policies = { normal: { approvers: ['role:oncall'], required: 1 }, emergency: { approvers: ['role:oncall'], required: 1 }, standard: { required: 0 } };
    expect(configWarnings(Config.parse({ people, itsm, approval: { source: 'itsm', ...policies } })).filter((w) => w.startsWith('people:'))).toEqual([
      'people: approval.source is itsm but b has no people[].servicenow; approvals in ServiceNow of their changes are not applied and their approvals there are not their votes',
    ]);
    expect(configWarnings(Config.parse({ people, itsm, approval: { source: 'chat', ...policies } })).filter((w) => w.startsWith('people:'))).toEqual([]);
  });

  it('refuses real execution in demo mode (anyone on this machine acts as anyone), naming every way out', () => {
    expect(problems({ execution: { dryRun: false } })).toEqual([
      'execution.dryRun: false is refused in demo mode (a loopback server with no sign-in, no server.token, no Slack or Teams): ' +
        'anyone on this machine who opens the console (any local user, any local process) acts as any person, approves and runs real changes on your hosts. ' +
        'Set up sign-in (chat.console.oidc), or set server.token and give each person a personal access token (`patchbot token create --as NAME`), ' +
        'or turn the console off (chat.console.enabled: false) and work from the CLI, or keep dryRun: true',
    ]);
    // Reported with every other problem at once, not instead of them.
    expect(paths({ execution: { dryRun: false }, log: { level: 'loud' as 'info' }, server: { port: -1 } })).toEqual(['server.port', 'log.level', 'execution.dryRun']);
    // localhost is loopback too; a server on other interfaces is not demo mode, but needs a token of its own.
    expect(paths({ execution: { dryRun: false }, server: { host: 'localhost' } })).toEqual(['execution.dryRun']);
    expect(paths({ execution: { dryRun: false }, server: { host: '0.0.0.0' } })).toEqual(['server.token']);
  });

  it.each<[string, ConfigInput]>([
    ['the embedded default (dry run)', {}],
    ['dry run said outright', { execution: { dryRun: true } }],
    ['a server token (personal access tokens)', { execution: { dryRun: false }, server: { token: 'a-long-enough-server-token' } }],
    [
      'console sign-in',
      { execution: { dryRun: false }, chat: { console: { oidc: { issuer: 'https://idp.example.com', clientId: 'patchbot', redirectUrl: 'https://patchbot.example.com/auth/callback' } } } },
    ],
    ['no console (CLI only)', { execution: { dryRun: false }, chat: { console: { enabled: false } } }],
    ['Slack, where the real approvals happen', { execution: { dryRun: false }, chat: { slack: { enabled: true, botToken: 'xoxb-1', signingSecret: 's', channels: { announce: 'C1' } } } }],
  ])('runs real changes outside demo mode: %s', (_name, input) => {
    expect(problems(input)).toEqual([]);
  });

  it('says what an ITSM account id must be', () => {
    expect(
      problems({
        people: [
          { name: 'a', jira: ' acc' },
          { name: 'b', jira: 'x', servicenow: 'abel.tuter' },
          { name: 'c', servicenow: 'abel.tuter' },
        ],
      }),
    ).toEqual([
      'people.0.jira: must be the Jira accountId (Cloud) or username (Data Center): not empty, no spaces around it',
      'people.2.servicenow: duplicate ServiceNow user_name "abel.tuter"; each ServiceNow user_name must be unique, rename or remove one',
    ]);
  });

  it('fills every chat.teams.auth key, each defaulting to the Microsoft public cloud', () => {
    const teams = (input: Record<string, unknown>) => {
      const parsed = Config.parse({ chat: { teams: { enabled: true, appId: 'a', appPassword: 'p', channels: { announce: 'c' }, ...input } } }).chat.teams;
      if (!parsed.enabled) throw new Error('expected teams on');
      return parsed.auth;
    };
    expect(teams({ tenantId: 'contoso-tenant' })).toEqual({
      openIdMetadataUrl: 'https://login.botframework.com/v1/.well-known/openidconfiguration',
      tokenIssuer: 'https://api.botframework.com',
      loginUrl: 'https://login.microsoftonline.com/contoso-tenant',
      oauthScope: 'https://api.botframework.com',
      validateAuthority: true,
    });
    expect(teams({ appType: 'MultiTenant', tenantId: 't' }).loginUrl).toBe('https://login.microsoftonline.com/botframework.com');
    // A partial set keeps the defaults for the rest: botbuilder never sees an undefined one.
    expect(teams({ tenantId: 't', auth: { loginUrl: 'https://login.example.test/t', validateAuthority: false } })).toMatchObject({
      loginUrl: 'https://login.example.test/t',
      validateAuthority: false,
      tokenIssuer: 'https://api.botframework.com',
    });
  });

  it('narrows enabled surfaces and the chosen ITSM in its output type', () => {
    const config = Config.parse({
      chat: { slack: { enabled: true, botToken: 'xoxb-1', signingSecret: 's', channels: { announce: 'C1' } } },
      itsm: { kind: 'jira', jira: { baseUrl: 'https://x.atlassian.net', projectKey: 'OPS', email: 'ops@example.com', apiToken: 't' }, servicenow: { password: 'ignored' } },
    });
    if (!config.chat.slack.enabled || config.itsm.kind !== 'jira') throw new Error('expected slack on and jira');
    const token: string = config.chat.slack.botToken;
    expect(token).toBe('xoxb-1');
    expect(config.chat.slack.channels.approvals).toBe('C1');
    expect(config.itsm).toEqual({ kind: 'jira', jira: expect.objectContaining({ projectKey: 'OPS', deployment: 'cloud', issueType: 'Task', pollInterval: 300_000 }) });
  });

  it('explains rollout mistakes in words and parses durations and budgets', () => {
    expect(
      problems({
        rollout: { waves: [{ percent: 60 }, { percent: 30 }], defaults: { failureBudget: -1 }, pilot: { smoke: [{ playbook: 'smoke-http', params: { url: null as unknown as string } }] } },
      }),
    ).toEqual([
      'rollout.pilot.smoke.0.params.url: a playbook parameter is text, a number, true/false or a list of text',
      'rollout.defaults.failureBudget: write a number of failures (0, 1, 2…) or a share of the wave such as "10%"',
      'rollout.waves: the percent waves add up to 90%; make them add up to 100 (they share the hosts left after the pilot and any group waves)',
    ]);
    const { rollout } = Config.parse({ rollout: { defaults: { failureBudget: '10%' }, waves: [{ groups: ['g'], failureBudget: 2 }] } });
    expect(rollout).toEqual({
      pilot: { group: null, size: 1, soak: 1_800_000, failureBudget: { count: 0 } },
      waves: [{ groups: ['g'], failureBudget: { count: 2 } }],
      defaults: { concurrency: 5, failureBudget: { percent: 10 }, soak: 900_000, smoke: [] },
      spreadBy: null,
      emergency: { soak: 300_000 },
    });
  });

  it('rejects a 6-field cron and a bare-number duration with what to write instead', () => {
    expect(problems({ windows: { w: { cron: '0 0 22 * * 1-5', duration: 4 as unknown as string } } })).toEqual([
      'windows.w.cron: "0 0 22 * * 1-5" has 6 fields; write 5 (minute hour day-of-month month day-of-week), e.g. "0 22 * * 1-5"',
      'windows.w.duration: write a duration with a unit: 90s, 30m, 4h, 7d, 2w',
    ]);
  });

  it('takes a rollout sweep period cron keeps, 30 s by default, and says what to write otherwise', () => {
    expect(Config.parse({}).execution.rolloutSweep).toBe(30_000);
    expect(Config.parse({ execution: { rolloutSweep: '5s' } }).execution.rolloutSweep).toBe(5_000);
    expect(Config.parse({ execution: { rolloutSweep: '15m' } }).execution.rolloutSweep).toBe(900_000);
    const choices = 'write 5s, 6s, 10s, 12s, 15s, 20s, 30s, or 1m, 2m, 3m, 4m, 5m, 6m, 10m, 12m, 15m, 20m, 30m, 1h';
    expect(problems({ execution: { rolloutSweep: '1s' } })).toEqual(['execution.rolloutSweep: 1s is too often: each sweep reads every change with work ahead; write at least 5s']);
    expect(problems({ execution: { rolloutSweep: '500ms' } })).toEqual(['execution.rolloutSweep: 0.5s is too often: each sweep reads every change with work ahead; write at least 5s']);
    expect(problems({ execution: { rolloutSweep: '2h' } })).toEqual([
      "execution.rolloutSweep: 2h is too rare: a stopped worker's host runs are taken over only at a sweep; write at most 1h",
    ]);
    expect(problems({ execution: { rolloutSweep: '45s' } })).toEqual([
      `execution.rolloutSweep: 45s does not divide a minute or an hour, so sweeps would not come evenly (they fire by cron); ${choices}`,
    ]);
    expect(problems({ execution: { rolloutSweep: '7m' } })).toEqual([
      `execution.rolloutSweep: 7m does not divide a minute or an hour, so sweeps would not come evenly (they fire by cron); ${choices}`,
    ]);
    expect(problems({ execution: { rolloutSweep: 30 as unknown as string } })).toEqual(['execution.rolloutSweep: write a duration with a unit: 90s, 30m, 4h, 7d, 2w']);
  });
});
