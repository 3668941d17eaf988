import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import type { ForwardedIo, LocalCommands } from '../../src/service/local-api.ts';
import type { Runtime } from '../../src/service/runtime.ts';
import { type RunningService, startService } from '../../src/service/start-service.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { writeConfig } from '../support/cli.ts';
import { platform } from '../support/platform.ts';

/**
 * The service runs forwarded commands through the LocalCommands it is given (the CLI provides
 * them in `patchbot start`): this one records what it was asked and answers on the given io.
 */
const received: Array<{ argv: string[]; cwd: string; config: ForwardedIo['config']; runtime: Runtime }> = [];
const recording: LocalCommands = {
  async run(argv: string[], io: ForwardedIo, runtime: Runtime) {
    received.push({ argv, cwd: io.cwd, config: io.config, runtime });
    io.stdout.write(`ran ${argv.join(' ')}\n`);
    io.stderr.write('a warning\n');
    return 3;
  },
};

/** The identity of the config the caller named (identity.ts); the CLI's LocalCommands compare it with the service's. */
const CALLER_CONFIG = { files: ['/etc/patchbot/default.yaml'], env: [], sections: { inventory: 'ab12' } };

let service: RunningService;
let api: { url: string; token: string };

/** The console's token: a reverse proxy in front of the console forwards requests that carry it. */
const CONSOLE_TOKEN = 'console-token-0123456789abcdef';

beforeAll(async () => {
  const file = writeConfig(
    `server: { port: 0, token: ${CONSOLE_TOKEN} }\nstore: { url: "pglite://memory" }\nlog: { level: silent }\ninventory: { hosts: [] }\nschedules: { discovery: null }\n`,
  );
  const { config } = await loadConfig({ files: [file], env: {}, cwd: process.cwd() });
  service = await startService({ config, platform, log: createLogger({ level: 'silent' }), commands: recording, onListening: (given) => (api = given) });
});
afterAll(async () => service?.stop('test over'));

const post = (body: string, token = api.token, headers: Record<string, string> = {}) =>
  fetch(`${api.url}/api/cli`, { method: 'POST', headers: { authorization: `Bearer ${token}`, ...headers }, body });

describe("the service's local API", () => {
  it('runs a forwarded command through the LocalCommands it was given, on its own runtime, and sends back exit code and output', async () => {
    const response = await post(JSON.stringify({ argv: ['audit', 'verify'], cwd: '/srv/somewhere', config: CALLER_CONFIG }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ code: 3, stdout: 'ran audit verify\n', stderr: 'a warning\n' });
    expect(received).toEqual([{ argv: ['audit', 'verify'], cwd: '/srv/somewhere', config: CALLER_CONFIG, runtime: service.runtime }]);
  });

  it('refuses a wrong token and a malformed command, naming what is wrong, and runs nothing', async () => {
    const before = received.length;
    expect((await post(JSON.stringify({ argv: ['db', 'migrate'], cwd: '/' }), 'not-the-token')).status).toBe(401);
    const notJson = await post('argv=db migrate');
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({ error: 'the body must be JSON: {"argv": [...], "cwd": "...", "config": {...}}' });
    const wrongShape = await post(JSON.stringify({ argv: 'db migrate', cwd: '/' }));
    expect(wrongShape.status).toBe(400);
    expect((await wrongShape.json()) as { error: string }).toEqual({
      error: expect.stringMatching(/^the body must be \{"argv": \[strings\], "cwd": string, "config": \{files, env, sections\}\}: argv /),
    });
    // A caller that does not say which config it named (an older CLI) is refused, not run on the service's.
    const noConfig = await post(JSON.stringify({ argv: ['scan'], cwd: '/' }));
    expect(noConfig.status).toBe(400);
    expect(((await noConfig.json()) as { error: string }).error).toMatch(/config/);
    expect(received.length).toBe(before);
  });

  it("refuses the console's token and anything a proxy forwarded: a remote client cannot run `change propose … --as bob`", async () => {
    const before = received.length;
    const command = JSON.stringify({ argv: ['change', 'propose', 'deb:openssl@3.0.13-1', '--to', 'production', '--as', 'bob'], cwd: '/' });
    expect(api.token).not.toBe(CONSOLE_TOKEN);
    // What a reverse proxy on this machine relays: a loopback peer with the console's token.
    expect((await post(command, CONSOLE_TOKEN, { 'x-forwarded-for': '203.0.113.9' })).status).toBe(403);
    expect((await post(command, CONSOLE_TOKEN)).status).toBe(401);
    // Even the right token is refused when a proxy relayed it.
    expect((await post(command, api.token, { forwarded: 'for=203.0.113.9' })).status).toBe(403);
    expect(received.length).toBe(before);
  });
});
