import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configFixtures, problemsOf } from '../../test/support/config-fixtures.ts';
import { configFilesFromEnv, DEFAULT_CONFIG_FILE, loadConfig } from './load.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = configFixtures();

const PRODUCTION_ENV = {
  PATCHBOT_SERVER_TOKEN: 'a-token-of-at-least-16-chars',
  SLACK_BOT_TOKEN: 'xoxb-123-456-abc',
  SLACK_SIGNING_SECRET: 'signing-secret',
  SERVICENOW_PASSWORD: 'sn-password',
  DATABASE_URL: 'postgres://patchbot:pw@db.example.internal:5432/patchbot',
};

describe('loadConfig: the shipped files', () => {
  it('loads the embedded defaults with paths resolved against the repository root', async () => {
    const { config, sources, warnings } = await loadConfig({ env: { HOME: '/home/tester' }, cwd: tmpdir() });
    expect(DEFAULT_CONFIG_FILE).toBe(join(REPO, 'config/default.yaml'));
    expect(sources).toEqual([DEFAULT_CONFIG_FILE]);
    expect(warnings).toEqual([]);
    expect(config.server).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(config.store.url).toBe(`pglite://${join(REPO, 'data')}`);
    expect(config.playbooks.dir).toBe(join(REPO, 'playbooks'));
    expect(config.execution).toMatchObject({ dryRun: true, concurrency: 20, ssh: { knownHostsPath: '/home/tester/.ssh/known_hosts', strictHostKeys: true, connectTimeout: 20_000 } });
    expect(config.inventory.hosts.map((host) => [host.name, host.connection])).toEqual([['localhost', 'local']]);
    expect(config.people.map((person) => person.name)).toEqual(['alice', 'bob', 'carol', 'dave', 'erin']);
    expect(config.approval.production).toMatchObject({ voters: ['role:cab'], quorum: 3, rejectWins: true, expiresIn: 48 * 3600_000 });
    expect(Object.keys(config.windows)).toEqual(['weeknights', 'weekend']);
    expect(config.schedules).toEqual({ discovery: '0 */6 * * *', proposals: [] });
    expect(config.compliance.sla.critical).toBe(7 * 86_400_000);
    expect(config.chat.console.enabled).toBe(true);
    expect(config.chat.slack.enabled).toBe(false);
    expect(config.itsm).toEqual({ kind: 'none' });
    expect(config.log).toEqual({ level: 'info', format: 'auto' });
  });

  it('validates the production example with its inventory file', async () => {
    const { config, sources } = await loadConfig({ files: ['config/example-production.yaml'], env: PRODUCTION_ENV, cwd: REPO });
    expect(sources).toContain(join(REPO, 'config/inventory.example.yaml'));
    expect(config.store.url).toBe(PRODUCTION_ENV.DATABASE_URL);
    expect(config.inventory.hosts.length).toBeGreaterThan(8);
    expect(new Set(config.inventory.hosts.map((host) => host.os))).toEqual(new Set(['debian', 'ubuntu', 'rhel', 'windows']));
    expect(config.inventory.groups.map((group) => group.name)).toEqual(['pilot', 'prod-web', 'prod-db', 'windows-servers']);
    expect(config.chat.slack).toMatchObject({ enabled: true, botToken: PRODUCTION_ENV.SLACK_BOT_TOKEN, channels: { announce: 'C0PATCHING' } });
    expect(config.itsm.kind === 'servicenow' && config.itsm.servicenow.password).toBe('sn-password');
  });

  it('names every missing secret of the production example when the environment is empty', async () => {
    const problems = await problemsOf(loadConfig({ files: ['config/example-production.yaml'], env: {}, cwd: REPO }));
    expect(problems.map((problem) => problem.split(':')[0])).toEqual(['server.token', 'chat.slack.botToken', 'chat.slack.signingSecret', 'itsm.servicenow.password']);
  });
});

describe('loadConfig: problems', () => {
  it('lists every problem of a bad config at once, each at its path', async () => {
    const dir = fixture({
      'bad.yaml': [
        'server: { port: 99999 }',
        'chat:',
        '  slack: { enabled: true, botToken: xoxb-1, channels: { announce: C1 } }',
        '  teams: { enabled: false, apTyp: SingleTenant }',
        'windows:',
        "  late: { cron: '0 22 * * 1-5', duration: 4h, timezone: Mars/Olympus }",
        "  odd: { cron: '0 25 * * *', duration: 1h }",
        'executon: { dryRun: false }',
      ].join('\n'),
    });
    const problems = await problemsOf(loadConfig({ files: [join(dir, 'bad.yaml')], env: {}, cwd: dir }));
    const byPath = new Map(problems.map((problem) => [problem.slice(0, problem.indexOf(': ')), problem]));
    expect([...byPath.keys()].sort()).toEqual(['chat.slack.signingSecret', 'chat.teams.apTyp', 'executon', 'server.port', 'windows.late.timezone', 'windows.odd.cron'].sort());
    expect(byPath.get('chat.slack.signingSecret')).toMatch(/^chat\.slack\.signingSecret: required when chat\.slack\.enabled is true; set SLACK_SIGNING_SECRET/);
    expect(byPath.get('chat.teams.apTyp')).toMatch(/did you mean appType\?/);
    expect(byPath.get('executon')).toMatch(/did you mean execution\?/);
    expect(byPath.get('windows.late.timezone')).toMatch(/"Mars\/Olympus" is not an IANA timezone/);
    expect(byPath.get('windows.odd.cron')).toMatch(/"0 25 \* \* \*" is not a valid cron expression/);
    expect(byPath.get('server.port')).toMatch(/0–65535/);
  });

  it('checks references and uniqueness across sections', async () => {
    const dir = fixture({
      'refs.yaml': [
        'inventory:',
        '  hosts:',
        '    - { name: a, address: 10.0.0.1, os: debian, groups: ["no pe"] }',
        '    - { name: a, address: 10.0.0.2, os: debian }',
        '  groups:',
        '    - { name: g, members: [a, ghost] }',
        'people: [{ name: x, roles: [cab] }, { name: x }]',
        'schedules:',
        "  proposals: [{ name: p, cron: '0 9 * * 2', patches: security, targets: [g, h], window: sometime }]",
        'windows: { now: { cron: "0 1 * * *", duration: 1h } }',
        "blackouts: [{ name: b, from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }]",
        'itsm: { kind: jira }',
        'server: { host: 0.0.0.0 }',
      ].join('\n'),
    });
    const problems = await problemsOf(loadConfig({ files: [join(dir, 'refs.yaml')], env: {}, cwd: dir }));
    const paths = problems.map((problem) => problem.slice(0, problem.indexOf(': ')));
    expect(paths.sort()).toEqual(
      [
        'blackouts.0.to',
        'inventory.groups.0.members.1',
        'inventory.hosts.0.groups.0',
        'inventory.hosts.1.name',
        'itsm.jira',
        'people.1.name',
        'schedules.proposals.0.targets.1',
        'schedules.proposals.0.window',
        'server.token',
        'windows.now',
      ].sort(),
    );
    expect(problems.find((problem) => problem.startsWith('itsm.jira:'))).toContain('required when itsm.kind is jira');
    expect(problems.find((problem) => problem.startsWith('server.token:'))).toContain('required when server.host is not a loopback address');
  });

  it('demands Jira credentials by deployment', async () => {
    const jira = (extra: string) => fixture({ 'jira.yaml': `itsm: { kind: jira, jira: { baseUrl: 'https://x.atlassian.net', projectKey: OPS${extra} } }` });
    const cloud = jira('');
    expect(await problemsOf(loadConfig({ files: [join(cloud, 'jira.yaml')], env: {}, cwd: cloud }))).toEqual([
      expect.stringMatching(/^itsm\.jira\.email: required for deployment cloud/),
      expect.stringMatching(/^itsm\.jira\.apiToken: required for deployment cloud; set JIRA_API_TOKEN/),
    ]);
    const dc = jira(', deployment: datacenter');
    expect(await problemsOf(loadConfig({ files: [join(dc, 'jira.yaml')], env: {}, cwd: dc }))).toEqual([
      expect.stringMatching(/^itsm\.jira\.personalAccessToken: required for deployment datacenter/),
    ]);
    const { config } = await loadConfig({ files: [join(dc, 'jira.yaml')], env: { JIRA_PAT: 'pat' }, cwd: dc });
    expect(config.itsm.kind === 'jira' && config.itsm.jira.personalAccessToken).toBe('pat');
  });

  it('reports YAML syntax errors as file:line:col', async () => {
    const dir = fixture({ 'broken.yaml': 'server:\n  port: 8080\nchat: [unclosed\nlog: {}\n' });
    const problems = await problemsOf(loadConfig({ files: [join(dir, 'broken.yaml')], env: {}, cwd: dir }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${join(dir, 'broken.yaml').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+: `));
  });

  it('reports a line indented too deep once, at that line, not twice at the line above', async () => {
    const dir = fixture({ 'deep.yaml': 'server:\n  port: 8080\n   host: 127.0.0.1\nlog: {}\n' });
    const problems = await problemsOf(loadConfig({ files: [join(dir, 'deep.yaml')], env: {}, cwd: dir }));
    expect(problems).toEqual([
      `${join(dir, 'deep.yaml')}:3:4: this line is indented deeper than the key above it, so it reads as part of line 2's value (a key and its value must be on one line); indent it like the keys around it`,
    ]);
  });

  it('says which file is missing', async () => {
    const dir = fixture({});
    const problems = await problemsOf(loadConfig({ files: ['nowhere.yaml'], env: {}, cwd: dir }));
    expect(problems).toEqual([`${join(dir, 'nowhere.yaml')}: cannot read the file (ENOENT); check the path given with --config or in PATCHBOT_CONFIG`]);
  });
});

describe('loadConfig: environment', () => {
  it('applies named and generic variables over the files', async () => {
    const dir = fixture({ 'slack.yaml': 'chat: { slack: { enabled: true, channels: { announce: C1 } } }\nserver: { port: 9000 }\n' });
    const { config, sources } = await loadConfig({
      files: [join(dir, 'slack.yaml')],
      env: { SLACK_BOT_TOKEN: 'xoxb-9', SLACK_SIGNING_SECRET: 's3cret', PATCHBOT__server__port: '9100', PATCHBOT__execution__perTagLimits: '{cluster: 1}', PATCHBOT_LOG_LEVEL: 'debug' },
      cwd: dir,
    });
    expect(config.server.port).toBe(9100);
    expect(config.chat.slack).toEqual({ enabled: true, botToken: 'xoxb-9', signingSecret: 's3cret', channels: { announce: 'C1', approvals: 'C1' } });
    expect(config.execution.perTagLimits).toEqual({ cluster: 1 });
    expect(config.log.level).toBe('debug');
    expect(sources).toContain('env:PATCHBOT__server__port');
  });

  it('names the variable a bad value came from', async () => {
    const dir = fixture({});
    const problems = await problemsOf(loadConfig({ env: { PATCHBOT__server__prot: '1', PATCHBOT_SERVER_PORT: 'eighty' }, cwd: dir }));
    expect(problems).toEqual([
      'server.port: expected a number, got text "eighty" (from $PATCHBOT_SERVER_PORT)',
      'server.prot: unknown key; did you mean port? (from $PATCHBOT__server__prot)',
    ]);
  });

  it('makes a relative pglite dir from the environment absolute against cwd, and keeps memory', async () => {
    const dir = fixture({});
    expect((await loadConfig({ env: { PATCHBOT_STORE_URL: 'pglite://./state' }, cwd: dir })).config.store.url).toBe(`pglite://${join(dir, 'state')}`);
    expect((await loadConfig({ env: { DATABASE_URL: 'pglite://memory' }, cwd: dir })).config.store.url).toBe('pglite://memory');
  });

  it('splits PATCHBOT_CONFIG on colons', () => {
    expect(configFilesFromEnv({ PATCHBOT_CONFIG: 'a.yaml::/etc/patchbot/b.yaml' })).toEqual(['a.yaml', '/etc/patchbot/b.yaml']);
    expect(configFilesFromEnv({})).toEqual([]);
  });
});
