import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../adapters/postgres/open-store.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { Platform, StoreHandle } from '../../src/platform.ts';
import type { LocalCommands } from '../../src/service/local-api.ts';
import { type RunningService, startService } from '../../src/service/start-service.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { writeConfig } from '../support/cli.ts';
import { migratedPgliteDir } from '../support/engines.ts';
import { execOk, scriptedPlatform } from '../support/platform.ts';
import { recordCallsOn, type Recording } from '../support/recorded-calls.ts';
import { TEST_SERVER_TOKEN } from '../support/server-token.ts';

/**
 * A start scans the estate when some host was never scanned (a fresh install shows findings at
 * once), and otherwise reads no host: whether any was never scanned is counted in the store.
 */
const HOSTS = ['app-01', 'app-02', 'app-03'];
/** No CLI is forwarded to these services. */
const NO_COMMANDS: LocalCommands = { run: async () => 2 };
const dirs: string[] = [];
let service: RunningService | undefined;
afterEach(async () => {
  await service?.stop('test over');
  service = undefined;
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

/** A store in a directory of its own, where `scanned` have a latest scan. */
const storeWith = async (scanned: readonly string[]): Promise<string> => {
  const dir = mkdtempSync(join(tmpdir(), 'patchbot-startup-'));
  dirs.push(dir);
  const url = `pglite://${migratedPgliteDir(join(dir, 'data'))}`;
  const { store } = await openStore(url);
  const at = new Date();
  await store.scans.start('scan-earlier', 'test', [...scanned], at);
  for (const host of scanned) await store.scans.recordHost({ scanId: 'scan-earlier', host, outcome: 'unreachable', error: 'refused', startedAt: at, finishedAt: at });
  await store.close();
  return url;
};

/** The service on `url`, its store's calls recorded; host commands answer nothing. */
const start = async (url: string): Promise<{ recorded: () => Recording<StoreHandle['store']>; handle: () => StoreHandle }> => {
  const file = writeConfig(
    [
      `server: { port: 0, token: ${TEST_SERVER_TOKEN} }`,
      `store: { url: "${url}" }`,
      'log: { level: silent }',
      'schedules: { discovery: null }',
      'inventory:',
      '  hosts:',
      ...HOSTS.map((h) => `    - { name: ${h}, address: 127.0.0.1, os: debian, connection: local }`),
    ].join('\n'),
  );
  const { config } = await loadConfig({ files: [file], env: {}, cwd: process.cwd() });
  const scripted = scriptedPlatform(async () => execOk());
  let recording: Recording<StoreHandle['store']> | undefined;
  let opened: StoreHandle | undefined;
  const platform: Platform = {
    ...scripted,
    async openStore(storeUrl, options) {
      opened = await scripted.openStore(storeUrl, options);
      recording = recordCallsOn(opened.store);
      return opened;
    },
  };
  service = await startService({ config, platform, log: createLogger({ level: 'silent' }), commands: NO_COMMANDS });
  return { recorded: () => recording!, handle: () => opened! };
};

const startupScans = async (handle: StoreHandle) => {
  const actors: string[] = [];
  for await (const event of handle.store.audit.read()) if (event.action === 'scan.started') actors.push(`${event.actor} ${JSON.stringify(event.data)}`);
  return actors;
};

describe('the scan at start', () => {
  it('scans every host when one was never scanned', async () => {
    const { recorded, handle } = await start(await storeWith(['app-01', 'app-02']));
    expect(await startupScans(handle())).toEqual([`patchbot:startup ${JSON.stringify({ hosts: HOSTS })}`]);
    expect(recorded().calls.map((c) => c.call)).toEqual(expect.arrayContaining(['scans.freshness', 'hosts.list']));
  });

  it('reads no host when every host was scanned', async () => {
    const { recorded, handle } = await start(await storeWith(HOSTS));
    expect(await startupScans(handle())).toEqual([]);
    const calls = recorded().calls.map((c) => c.call);
    expect(calls).toContain('scans.freshness');
    expect(calls.filter((c) => ['hosts.list', 'scans.latestPerHost'].includes(c))).toEqual([]);
  });
});
