import { waitFor } from '../support/until.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config/load.ts';
import { platform } from '../support/platform.ts';
import { type RunningService, startService } from '../../src/service/start-service.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { closedWindowsYaml } from '../support/closed-windows.ts';
import { writeReplayPlaybooks } from '../support/replay-playbooks.ts';
import type { FakeSlack } from '../support/fake-slack/index.ts';
import { SIGNING_SECRET } from '../support/fake-slack/index.ts';

/**
 * The real service in this process (startService with the composition root's platform, an
 * in-memory PGlite, port 0) with Slack enabled and pointed at the fake. Its log lines are kept so
 * a test can wait for what the dispatcher did (a dropped duplicate leaves no other trace).
 */

export const SLACK_PEOPLE = `people:
  - { name: alice, slack: U0ALICE, roles: [oncall, cab] }
  - { name: bob, slack: U0BOB, roles: [cab] }
  - { name: carol, slack: U0CAROL, roles: [cab] }
  - { name: dave, slack: U0DAVE, roles: [cab] }
  - { name: erin, slack: U0ERIN, roles: [viewer] }
`;

export const SLACK_USERS = [
  { id: 'U0ALICE', name: 'alice' },
  { id: 'U0BOB', name: 'bob' },
  { id: 'U0CAROL', name: 'carol' },
  { id: 'U0DAVE', name: 'dave' },
  { id: 'U0ERIN', name: 'erin' },
  { id: 'U0GUEST', name: 'guest', realName: 'Gus Guest', email: 'gus@elsewhere.test' },
];

export interface ServiceUnderTest {
  service: RunningService;
  url: string;
  logs: Record<string, unknown>[];
  /** Resolves when a log line with this message (and these fields) appears. */
  logged(msg: string, fields?: Record<string, unknown>, timeoutMs?: number): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

export { waitFor };

export const startWithSlack = async (fake: FakeSlack, options: { slack?: string; inventory?: string } = {}): Promise<ServiceUnderTest> => {
  const dir = mkdtempSync(join(tmpdir(), 'patchbot-slack-'));
  writeReplayPlaybooks(join(dir, 'playbooks'));
  const inventory =
    options.inventory ??
    `inventory:
  hosts:
    - { name: web-01, address: 127.0.0.1, os: debian, connection: local, groups: [prod-web] }
  groups:
    - { name: prod-web, members: [web-01], production: true }
`;
  const slack = options.slack ?? `signingSecret: ${SIGNING_SECRET}`;
  const windows = closedWindowsYaml();
  writeFileSync(
    join(dir, 'patchbot.yaml'),
    `server: { host: 127.0.0.1, port: 0 }
store: { url: 'pglite://memory' }
schedules: { discovery: null }
playbooks: { dir: ./playbooks }
${windows}${inventory}${SLACK_PEOPLE}chat:
  console: { enabled: false }
  slack:
    enabled: true
    botToken: ${fake.botToken}
    ${slack}
    apiUrl: ${fake.apiUrl}
    channels: { announce: C0ANNOUNCE, approvals: C0APPROVALS }
`,
  );
  const { config } = await loadConfig({ files: [join(dir, 'patchbot.yaml')], env: {}, cwd: dir });
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const log = createLogger({ level: 'debug', destination: sink });
  const service = await startService({ config, platform, log, commands: { run: async () => 1 } });
  const matches = (line: Record<string, unknown>, msg: string, fields: Record<string, unknown>) => line.msg === msg && Object.entries(fields).every(([k, v]) => line[k] === v);
  return {
    service,
    url: service.url,
    logs,
    logged: (msg, fields = {}, timeoutMs = 10_000) => waitFor(`log "${msg}" ${JSON.stringify(fields)}`, () => logs.find((line) => matches(line, msg, fields)), timeoutMs),
    async stop() {
      await service.stop('test done');
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

/** The title (header block) and the texts of a message as Slack would show them. */
export const shown = (blocks: unknown[]) => {
  const list = blocks as { type: string; text?: { text: string }; fields?: { text: string }[]; elements?: { text?: unknown; action_id?: string }[] }[];
  return {
    title: list.find((b) => b.type === 'header')?.text?.text ?? '',
    text: list.flatMap((b) => [b.text?.text ?? '', ...(b.fields ?? []).map((f) => f.text), ...(b.type === 'context' ? (b.elements ?? []).map((e) => String(e.text)) : [])]).join('\n'),
    buttons: list.filter((b) => b.type === 'actions').flatMap((b) => (b.elements ?? []).map((e) => e.action_id)),
  };
};
