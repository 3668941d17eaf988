import { afterAll, beforeAll } from 'vitest';
import { waitFor } from '../support/until.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { closedWindowsYaml } from '../support/closed-windows.ts';
import { writeReplayPlaybooks } from '../support/replay-playbooks.ts';
import { issueAccessTokens } from '../support/access-tokens.ts';
import { migratedPgliteDir } from '../support/engines.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeTeams, type FakeUser, startFakeTeams } from '../support/fake-teams/index.ts';
import { startPatchbot } from '../support/process.ts';

/**
 * The real `patchbot start` in a child process with Teams pointed at the fake Bot Framework. A
 * child, not this process: MSAL only talks TLS, and the child trusts the fake's CA through
 * NODE_EXTRA_CA_CERTS exactly as a deployment behind a private CA would. Its JSON log lines are
 * kept so a test can wait for what happened (a dropped duplicate leaves no other trace).
 */

export const CHANNEL_ANNOUNCE = '19:announce0000@thread.tacv2';
export const CHANNEL_APPROVALS = '19:approvals0000@thread.tacv2';

export const USERS = {
  alice: { id: '29:alice', aadObjectId: '00000000-aaaa-0000-0000-00000000a11c', name: 'Alice A' },
  bob: { id: '29:bob', aadObjectId: '00000000-bbbb-0000-0000-000000000b0b', name: 'Bob B', email: 'Bob@Example.com' },
  carol: { id: '29:carol', aadObjectId: '00000000-cccc-0000-0000-0000000ca201', name: 'Carol C' },
  dave: { id: '29:dave', aadObjectId: '00000000-dddd-0000-0000-00000000da7e', name: 'Dave D' },
  erin: { id: '29:erin', aadObjectId: '00000000-eeee-0000-0000-0000000e2170', name: 'Erin E' },
  guest: { id: '29:guest', aadObjectId: '00000000-9999-0000-0000-000000009e57', name: 'Gus Guest', email: 'gus@elsewhere.test' },
} satisfies Record<string, FakeUser>;

/** alice, carol, dave and erin by AAD object id; bob only by the email his roster entry holds. */
export const TEAMS_PEOPLE = `people:
  - { name: alice, teams: ${USERS.alice.aadObjectId}, slack: U0ALICE, roles: [oncall, cab] }
  - { name: bob, email: bob@example.com, slack: U0BOB, roles: [cab] }
  - { name: carol, teams: ${USERS.carol.aadObjectId}, slack: U0CAROL, roles: [cab] }
  - { name: dave, teams: ${USERS.dave.aadObjectId}, slack: U0DAVE, roles: [cab] }
  - { name: erin, teams: ${USERS.erin.aadObjectId}, slack: U0ERIN, roles: [viewer] }
`;

export interface TeamsService {
  url: string;
  dir: string;
  logs(): Record<string, unknown>[];
  logged(msg: string, fields?: Record<string, unknown>, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** The console's Authorization header per person of `consoleTokensFor`. */
  consoleAuth: Record<string, Record<string, string>>;
  stop(): Promise<void>;
}

export { waitFor };

export interface StartOptions {
  /** Extra `chat:` sections (slack), indented two spaces. */
  chat?: string;
  /** The console on as well (loopback; no token unless `serverToken`). */
  console?: boolean;
  /** `server.token`: what the console and the local API ask for. */
  serverToken?: string;
  /** Overrides of the fake's `chat.teams` section. */
  teams?: Record<string, unknown>;
  /** Reuse a directory (and its store) from an earlier run: a restart. */
  dir?: string;
  /** People who get a personal access token for the console (outside demo mode `as=` speaks for nobody). */
  consoleTokensFor?: string[];
  /** The `inventory:` section (default: web-01 in prod-web). */
  inventory?: string;
}

export const startWithTeams = async (fake: FakeTeams, options: StartOptions = {}): Promise<TeamsService> => {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'patchbot-teams-'));
  // A new directory gets a copy of the run's migrated store: these tests are about Teams, not a first start.
  if (!options.dir) migratedPgliteDir(join(dir, 'data'));
  writeReplayPlaybooks(join(dir, 'playbooks'));

  const teams = { ...fake.config(options.teams), channels: { announce: CHANNEL_ANNOUNCE, approvals: CHANNEL_APPROVALS } };
  const windows = closedWindowsYaml();
  writeFileSync(
    join(dir, 'patchbot.yaml'),
    `server: { host: 127.0.0.1, port: 0${options.serverToken ? `, token: ${options.serverToken}` : ''} }
log: { level: debug, format: json }
store: { url: 'pglite://${join(dir, 'data')}' }
schedules: { discovery: null }
playbooks: { dir: ${join(dir, 'playbooks')} }
${windows}${
      options.inventory ??
      `inventory:
  hosts:
    - { name: web-01, address: 127.0.0.1, os: debian, connection: local, groups: [prod-web] }
  groups:
    - { name: prod-web, members: [web-01], production: true }
`
    }${TEAMS_PEOPLE}chat:
  console: { enabled: ${options.console === true} }
${options.chat ?? ''}  teams: ${JSON.stringify(teams)}
`,
  );
  const consoleAuth = options.consoleTokensFor ? await issueAccessTokens(`pglite://${join(dir, 'data')}`, options.consoleTokensFor) : {};
  const child = await startPatchbot(['--config', join(dir, 'patchbot.yaml')], { NODE_EXTRA_CA_CERTS: fake.caFile });
  const logs = () =>
    child
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const matches = (line: Record<string, unknown>, msg: string, fields: Record<string, unknown>) => line.msg === msg && Object.entries(fields).every(([k, v]) => line[k] === v);
  return {
    url: child.url,
    dir,
    logs,
    consoleAuth,
    logged: (msg, fields = {}, timeoutMs = 15_000) => waitFor(`log "${msg}" ${JSON.stringify(fields)}`, () => logs().find((line) => matches(line, msg, fields)), timeoutMs),
    async stop() {
      await child.stop();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
};

/** What teamsForFile starts: the fake Bot Framework, the service on it, and a sender of the fake's signed activities to it. */
export interface TeamsForFile {
  fake: FakeTeams;
  bot: TeamsService;
  sender: ReturnType<FakeTeams['sender']>;
}

/**
 * The fake (with every USERS member) and the service on it with the default options, started before
 * the file's tests and stopped after them; its fields are set once they are running.
 */
export const teamsForFile = (): TeamsForFile => {
  const running = {} as TeamsForFile;
  beforeAll(async () => {
    running.fake = await startFakeTeams({ users: Object.values(USERS) });
    running.bot = await startWithTeams(running.fake);
    running.sender = running.fake.sender(running.bot.url);
  }, 120_000);
  afterAll(async () => {
    await running.bot?.stop();
    await running.fake?.stop();
  });
  return running;
};
