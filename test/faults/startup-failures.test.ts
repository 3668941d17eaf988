import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeConfig } from '../support/cli.ts';
import { freePort } from '../support/postgres-cluster.ts';
import { runPatchbot } from '../support/process.ts';

/** A failed start says which setting, what failed and what to try, in a line or two, and exits. */
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('startup failures', () => {
  it('a store.url nobody listens on names the setting and what to try, with no stack', async () => {
    const port = await freePort();
    const file = writeConfig(`server:\n  port: 0\nstore:\n  url: postgres://patchbot:secret@127.0.0.1:${port}/patchbot\nlog:\n  level: warn\n`);
    const result = await runPatchbot(['start', '--config', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`Cannot reach the store at store\\.url \\(postgres://patchbot:\\S+@127\\.0\\.0\\.1:${port}/patchbot\\): connect ECONNREFUSED`));
    expect(result.stderr).toMatch(/Is PostgreSQL running there/);
    expect(result.stderr).not.toMatch(/secret|\n\s+at /);
    expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
  }, 60_000);

  it('a port in use exits 1 with one line and leaves nothing running', async () => {
    const blocker: Server = createServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)));
    const dir = mkdtempSync(join(tmpdir(), 'patchbot-port-'));
    dirs.push(dir);
    try {
      const file = writeConfig(`server:\n  host: 127.0.0.1\n  port: ${port}\nstore:\n  url: pglite://${dir}/data\nschedules:\n  discovery: null\nlog:\n  level: warn\n`);
      // runPatchbot resolves when the process exits: a start that stayed alive would time the test out.
      const result = await runPatchbot(['start', '--config', file]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`Cannot listen on 127\\.0\\.0\\.1:${port}: the port is already in use`));
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  }, 90_000);

  it('config check --connect tries the store and the chat credentials and reports each', async () => {
    const port = await freePort();
    const unreachable = writeConfig(`store:\n  url: postgres://patchbot@127.0.0.1:${port}/patchbot\n`);
    const failed = await runPatchbot(['config', 'check', '--connect', '--config', unreachable]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain(`store: FAILED: Cannot reach the store at store.url (postgres://patchbot@127.0.0.1:${port}/patchbot)`);
    // One failing check does not hide the others.
    expect(failed.stdout).toContain('chat: console: served by patchbot itself, nothing to reach');
    expect(failed.stdout).toContain('itsm: nothing to reach (itsm.kind is none)');

    const dir = mkdtempSync(join(tmpdir(), 'patchbot-connect-'));
    dirs.push(dir);
    const embedded = writeConfig(`store:\n  url: pglite://${dir}/data\n`);
    const passed = await runPatchbot(['config', 'check', '--connect', '--config', embedded]);
    expect(passed.stdout).toContain(`store: embedded (PGlite) in ${dir}/data, nothing to reach`);
    expect(passed.code).toBe(0);
  }, 60_000);
});
