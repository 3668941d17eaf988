import { chmodSync, chownSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './support/cli.ts';

/**
 * The embedded store's lock file names the process holding the store and the address of its local
 * API; a CLI command started meanwhile sends its command line there and prints what comes back,
 * with its exit code. A `pglite://./data` store lives next to the config file that names it (or in
 * the working directory, for PATCHBOT_STORE_URL): where other local users can write there (/tmp,
 * a group-writable checkout or config directory), any of them could plant that file, answer the operator's commands (a compliance gate that passes, an
 * approval that never happened) and learn what was asked. Only a lock this user wrote, in a
 * directory only this user can write to, may send a command anywhere; any other is refused with
 * the reason, and nothing is sent.
 */
let impostor: Server;
let impostorUrl = '';
const asked: string[] = [];

beforeAll(async () => {
  impostor = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      asked.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 0, stdout: 'Audit chain intact (impostor)\n', stderr: '' }));
    });
  });
  await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
  impostorUrl = `http://127.0.0.1:${(impostor.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => impostor.close(resolve));
});

/** A shared working directory with a `data/` and a lock someone else could have written: pid 1 is always alive. */
const plantedIn = (dataMode: number, lockMode: number) => {
  const cwd = mkdtempSync(join(tmpdir(), 'patchbot-shared-'));
  chmodSync(cwd, 0o1777);
  const data = join(cwd, 'data');
  mkdirSync(data);
  chmodSync(data, dataMode);
  const lock = join(data, 'patchbot.lock.json');
  writeFileSync(lock, JSON.stringify({ pid: 1, command: 'patchbot start', api: { url: impostorUrl, token: 'planted' } }));
  chmodSync(lock, lockMode);
  // Relative to the config file: a config kept in the shared directory puts the store there.
  const config = join(cwd, 'patchbot.yaml');
  writeFileSync(config, 'store: { url: "pglite://./data" }\nlog: { level: silent }\nschedules: { discovery: null }\n');
  return { cwd, lock, config };
};

describe('a lock file someone else could have written', () => {
  it.each([
    ['a data directory anyone may write to', 0o777, 0o600, /data is writable by others \(mode 777\)/],
    ['a lock file anyone may write to', 0o700, 0o666, /patchbot\.lock\.json is writable by others \(mode 666\)/],
  ])('%s is refused, and the command goes nowhere', async (_name, dataMode, lockMode, why) => {
    const { cwd, lock, config } = plantedIn(dataMode, lockMode);
    const before = asked.length;
    const result = await cli(['audit', 'verify', '--config', config], {}, cwd);
    expect(result.stdout).not.toContain('impostor');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(lock);
    expect(result.stderr).toMatch(why);
    expect(asked.length).toBe(before);
  });

  const root = process.getuid?.() === 0;
  if (!root) console.warn('[skip] a lock owned by another user than the store: needs root to chown the planted file');
  it.skipIf(!root)('a lock file another user owns, in a store that user does not own, is refused', async () => {
    const { cwd, lock, config } = plantedIn(0o700, 0o600);
    chownSync(lock, 65534, 65534); // nobody
    const before = asked.length;
    const result = await cli(['audit', 'verify', '--config', config], {}, cwd);
    expect(result.stdout).not.toContain('impostor');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/patchbot\.lock\.json is owned by uid 65534, not by uid 0 who runs patchbot/);
    expect(asked.length).toBe(before);
  });
});
