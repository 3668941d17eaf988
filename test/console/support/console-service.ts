import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { closedWindowsYaml } from '../../support/closed-windows.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConsoleSurface } from '../../../adapters/console/console-surface.ts';
import type { Card } from '../../../src/chat/card.ts';
import { announceScan } from '../../../src/chat/announce/announce-scan.ts';
import { loadConfig } from '../../../src/config/load.ts';
import { migratedPgliteDir } from '../../support/engines.ts';
import { platform } from '../../support/platform.ts';
import { type RunningService, startService } from '../../../src/service/start-service.ts';
import { syncConfigToStore } from '../../../src/service/sync-config.ts';
import { createLogger } from '../../../src/shared/logger.ts';
import type { PatchbotStore } from '../../../src/patchbot-store.ts';

export const TOKEN = 'console-test-token-0123456789abcdef';

/**
 * What the service manages: the inventory (and any other config sections a test needs, such as
 * `rollout`) as YAML, and what scans would have left in the store. The hosts point at a closed
 * port on loopback: nothing is ever scanned for real.
 */
export interface Estate {
  yaml: string;
  seed(store: PatchbotStore): Promise<void>;
  /** `error` for an estate whose rollouts rescan the unreachable hosts on purpose: those warnings are expected. */
  logLevel?: 'warn' | 'error';
}

const configYaml = (dir: string, token: string | undefined, estate: Estate, port = 0) => `
server:
  host: 127.0.0.1
  port: ${port}
${token ? `  token: ${token}\n` : ''}store:
  url: pglite://${dir}/data
schedules:
  discovery: null
log:
  level: warn
${closedWindowsYaml()}${estate.yaml}`;

/** A production group of two web servers and a staging host. */
const WEB_YAML = `
inventory:
  hosts:
    - { name: web-01, address: 127.0.0.1, port: 1, os: debian, groups: [prod-web], tags: { env: prod } }
    - { name: web-02, address: 127.0.0.1, port: 1, os: debian, groups: [prod-web], tags: { env: prod } }
    - { name: stg-01, address: 127.0.0.1, port: 1, os: debian, groups: [staging], tags: { env: staging } }
  groups:
    - { name: prod-web, members: [web-01, web-02], production: true }
    - { name: staging, members: [stg-01] }
`;

const SEED_SCAN = 'scan-seed';
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

/** What scans would have left: KB5034441 missing on web-01 and stg-01, DSA-5600-1 on stg-01 for 40 days. */
const seed = async (store: PatchbotStore) => {
  await store.patches.upsert(
    [
      { id: 'KB5034441', title: 'Windows Recovery Environment update', severity: 'important', security: true, cves: ['CVE-2024-20666'], rebootHint: true, firstSeen: minutesAgo(600) },
      { id: 'DSA-5600-1', title: 'openssl security update (fixes `SSL_read`)', severity: 'critical', security: true, cves: [], rebootHint: false, firstSeen: minutesAgo(600) },
    ],
    SEED_SCAN,
  );
  // stg-01 has missed the openssl fix for 40 days: the compliance chart has an overdue group.
  const longAgo = minutesAgo(40 * 24 * 60);
  await store.scans.start('scan-old', 'test', ['stg-01'], longAgo);
  await store.scans.recordHost({ scanId: 'scan-old', host: 'stg-01', outcome: 'ok', startedAt: longAgo, finishedAt: longAgo, rebootRequired: false });
  await store.findings.record('scan-old', 'stg-01', [{ patchId: 'DSA-5600-1', state: 'missing' }], longAgo);
  await store.scans.finish('scan-old', longAgo);
  const at = minutesAgo(12);
  const hosts = ['web-01', 'web-02', 'stg-01'];
  await store.scans.start(SEED_SCAN, 'test', hosts, at);
  for (const host of hosts) await store.scans.recordHost({ scanId: SEED_SCAN, host, outcome: 'ok', startedAt: at, finishedAt: at, rebootRequired: false });
  await store.findings.record(SEED_SCAN, 'web-01', [{ patchId: 'KB5034441', state: 'missing' }], at);
  await store.findings.record(SEED_SCAN, 'web-02', [{ patchId: 'KB5034441', state: 'installed' }], at);
  await store.findings.record(
    SEED_SCAN,
    'stg-01',
    [
      { patchId: 'KB5034441', state: 'missing' },
      { patchId: 'DSA-5600-1', state: 'missing' },
    ],
    at,
  );
  await store.scans.finish(SEED_SCAN, at);
};

export const WEB_ESTATE: Estate = { yaml: WEB_YAML, seed };

export interface ConsoleService {
  url: string;
  /** `127.0.0.1:<port>`: what a browser sends as Host and Origin's host. */
  host: string;
  store: PatchbotStore;
  surface: ConsoleSurface;
  /** Posts a card as patchbot would, to a role channel on every surface. */
  broadcast(channel: 'announce' | 'approvals', card: Card): Promise<void>;
  /** Posts the default estate's seeded scan's digest to announce, as the end of that scan would have. */
  announce(): Promise<boolean>;
  service: RunningService;
  stop(): Promise<void>;
}

/**
 * The real service in this process — the composition root's platform, an embedded store in a temp
 * dir, an HTTP server on 127.0.0.1 and a free port — with the default config's people (alice on
 * call; bob, carol, dave on the CAB; erin a viewer).
 */
export const startConsoleService = async ({ token, estate = WEB_ESTATE, port }: { token?: string; estate?: Estate; port?: number } = {}): Promise<ConsoleService> => {
  const dir = mkdtempSync(join(tmpdir(), 'patchbot-console-'));
  // A store copied from the run's migrated one: these tests are about the console, not a first start.
  migratedPgliteDir(join(dir, 'data'));
  const file = join(dir, 'patchbot.yaml');
  writeFileSync(file, configYaml(dir, token, estate, port));
  const { config } = await loadConfig({ files: [file], env: {}, cwd: dir });
  // Seeded before the service opens it: PGlite is one process's, and a scanned estate is not rescanned at start.
  const handle = await platform.openStore(config.store.url, { migrate: true });
  try {
    await syncConfigToStore(handle.store, config);
    await estate.seed(handle.store);
  } finally {
    await handle.close();
  }
  const service = await startService({ config, platform, log: createLogger({ level: estate.logLevel ?? 'warn' }), commands: { run: async () => 1 } });
  const module = service.runtime.surfaces.find((s) => s.binding.surface.name === 'console');
  if (!module) throw new Error('the console surface is not enabled');
  return {
    url: service.url,
    host: new URL(service.url).host,
    store: service.runtime.store,
    surface: module.binding.surface as ConsoleSurface,
    broadcast: (channel, card) => service.runtime.hub.broadcast([{ channel, card }]),
    announce: () => announceScan(service.runtime.hub, service.runtime.store, SEED_SCAN, { schedule: service.runtime.config, approval: service.runtime.config.approval, now: new Date() }),
    service,
    async stop() {
      await service.stop('test over');
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
