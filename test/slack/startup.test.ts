import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { platform } from '../support/platform.ts';
import { PatchbotError } from '../../src/shared/errors.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { type FreshStore, freshPglite } from '../support/engines.ts';
import { freePort } from '../support/postgres-cluster.ts';
import { rejection } from '../support/rejection.ts';
import { ALL_SCOPES, type FakeSlack, SIGNING_SECRET, startFakeSlack } from '../support/fake-slack/index.ts';
import { waitFor } from './harness.ts';

/**
 * Startup with Slack enabled goes through the composition root (platform.chatSurfaces): wrong
 * credentials stop it with one clear, actionable line — never a stack trace, never a crash later.
 */

const log = createLogger({ level: 'silent' });
let fake: FakeSlack;
let opened: FreshStore;
const dir = mkdtempSync(join(tmpdir(), 'patchbot-slack-start-'));
beforeAll(async () => {
  fake = await startFakeSlack({ channels: ['C0ANNOUNCE'] });
  opened = await freshPglite();
});
afterAll(async () => {
  await opened?.store.close();
  await fake?.close();
});

const slackYaml = (slack: Record<string, string>) =>
  `chat:\n  console: { enabled: false }\n  slack:\n    enabled: true\n${Object.entries(slack)
    .map(([k, v]) => `    ${k}: ${v}`)
    .join('\n')}\n`;
const configWith = async (slack: Record<string, string>) => {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, slackYaml(slack));
  return (await loadConfig({ files: [file], env: {}, cwd: dir })).config;
};
const good = () => ({ botToken: fake.botToken, signingSecret: SIGNING_SECRET, apiUrl: fake.apiUrl, channels: '{ announce: C0ANNOUNCE }' });
const failure = async (slack: Record<string, string>) => rejection(platform.chatSurfaces({ config: await configWith(slack), store: opened.store, log }), PatchbotError);

describe('Slack at startup', () => {
  it('starts with good credentials, asking auth.test once', async () => {
    const before = fake.calls('auth.test').length;
    const modules = await platform.chatSurfaces({ config: await configWith(good()), store: opened.store, log });
    expect(modules.map((m) => m.binding.surface.name)).toEqual(['slack']);
    expect(modules[0]!.binding.channels).toEqual({ announce: 'C0ANNOUNCE', approvals: 'C0ANNOUNCE' });
    expect(fake.calls('auth.test').length - before).toBe(1);
    await modules[0]!.stop?.();
  });

  it.each([
    ['a revoked or wrong bot token', { botToken: 'xoxb-0000-wrong' }, 'Slack refused chat.slack.botToken (invalid_auth).', /SLACK_BOT_TOKEN .* OAuth & Permissions/],
    [
      'a token pasted as the signing secret',
      { signingSecret: 'xoxb-0000-wrong' },
      'chat.slack.signingSecret does not look like a Slack signing secret (32 hex characters; this one has 15 characters and looks like a token).',
      /Signing Secret/,
    ],
    ['a channel name instead of its ID', { channels: "{ announce: '#patching' }" }, 'chat.slack.channels.announce is "#patching", which is not a Slack channel ID.', /Channel ID/],
    ['a wrong app token (Socket Mode)', { appToken: 'xapp-1-A0-wrong' }, 'Slack refused chat.slack.appToken (invalid_auth).', /SLACK_APP_TOKEN/],
  ])('refuses %s with a clear message', async (_what, change, message, hint) => {
    const error = await failure({ ...good(), ...change });
    expect(error.message).toBe(message);
    expect(error.hint).toMatch(hint);
  });

  it('says which API it could not reach', async () => {
    const closed = await freePort();
    const error = await failure({ ...good(), apiUrl: `http://127.0.0.1:${closed}/api/` });
    expect(error.message).toBe(`Cannot reach the Slack Web API at http://127.0.0.1:${closed}/api/ to check chat.slack.botToken (fetch failed: ECONNREFUSED).`);
  });

  it('`patchbot start` with credentials in the Slack apiUrl does not print them', async () => {
    const closed = await freePort();
    const file = join(dir, 'start-url.yaml');
    writeFileSync(
      file,
      `server: { port: 0 }\nstore: { url: 'pglite://memory' }\nschedules: { discovery: null }\nlog: { level: fatal }\ninventory: { hosts: [], groups: [] }\n${slackYaml({ ...good(), apiUrl: `http://proxyuser:Pr0xy-Secret@127.0.0.1:${closed}/api/` })}`,
    );
    const child = spawn(process.execPath, [join(import.meta.dirname, '..', '..', 'bin', 'patchbot.js'), 'start', '--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    // 'close', not 'exit': 'exit' may come before the last of the child's output has been read.
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      expect(await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('running'), 60_000))])).toBe(1);
      expect(output).toContain(`Cannot reach the Slack Web API at http://proxyuser:[redacted]@127.0.0.1:${closed}/api/`);
      expect(output).not.toContain('Pr0xy-Secret');
    } finally {
      child.kill('SIGKILL');
    }
  }, 90_000);

  it('refuses a token without chat:write, which could not post anything', async () => {
    const bare = await startFakeSlack({ channels: ['C0ANNOUNCE'], scopes: ALL_SCOPES.filter((s) => s !== 'chat:write') });
    try {
      const error = await failure({ ...good(), botToken: bare.botToken, apiUrl: bare.apiUrl });
      expect(error.message).toBe('The Slack bot token lacks the chat:write scope, so patchbot cannot post.');
    } finally {
      await bare.close();
    }
  });

  it('`patchbot start` with a bad token prints one clear line and no stack trace', async () => {
    const file = join(dir, 'start.yaml');
    writeFileSync(
      file,
      `server: { port: 0 }\nstore: { url: 'pglite://memory' }\nschedules: { discovery: null }\nlog: { level: fatal }\ninventory: { hosts: [], groups: [] }\n${slackYaml({ ...good(), botToken: 'xoxb-0000-wrong' })}`,
    );
    const child = spawn(process.execPath, [join(import.meta.dirname, '..', '..', 'bin', 'patchbot.js'), 'start', '--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let code: number | null | 'running' = 'running';
    const exited = new Promise<void>((resolve) => child.on('close', (c) => ((code = c), resolve())));
    try {
      await waitFor('the error', () => stderr.includes('install the app to the workspace.\n') || code !== 'running', 60_000);
      // It exits by itself after saying so; one that hung would run into this test's timeout.
      await exited;
      expect(code).toBe(1);
      expect(stderr).toBe(
        'patchbot start: Slack refused chat.slack.botToken (invalid_auth).\nSet SLACK_BOT_TOKEN to the Bot User OAuth Token (xoxb-…) from the Slack app › OAuth & Permissions, and install the app to the workspace.\n',
      );
    } finally {
      if (code === 'running') child.kill('SIGKILL');
    }
  }, 90_000);
});
