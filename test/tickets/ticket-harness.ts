import { loadConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';
import { platform } from '../support/platform.ts';
import type { StoreHandle } from '../../src/platform.ts';
import { type Runtime, startRuntime } from '../../src/service/runtime.ts';
import { createLogger, type Logger } from '../../src/shared/logger.ts';
import type { OutboxEntry } from '../../src/tickets/ticket-outbox.ts';
import type { TicketSyncTuning } from '../../src/tickets/ticket-sync-deps.ts';
import { writeConfig } from '../support/cli.ts';
import { until } from '../support/until.ts';
import { askAs } from '../support/ask-as.ts';
import { consoleHistoryOf } from '../support/console-history.ts';

/**
 * The rollout dry-run estate of test/rollouts/rollout-dry-run.test.ts (local hosts, dry run, a
 * pilot and a production wave) with an ITSM section, in one process, with ticket sync paced for
 * tests: the pump looks every 100 ms and retries back off from 100 ms to 1 s.
 */
export const HOSTS = ['canary-01', 'web-01', 'web-02', 'web-03'];
export const PATCH = 'deb:openssl@9.9.9-1';
export const TEST_PACING = { pumpMs: 100, baseDelayMs: 100, maxDelayMs: 1_000, leaseMs: 30_000 };

export const estateConfig = async (extra: string[]): Promise<Config> =>
  (
    await loadConfig({
      files: [
        writeConfig(
          [
            'store: { url: "pglite://memory" }',
            'log: { level: silent }',
            'inventory:',
            '  hosts:',
            ...HOSTS.map((name) => `    - { name: ${name}, address: 127.0.0.1, os: debian, connection: local }`),
            '  groups:',
            '    - { name: canary, members: [canary-01] }',
            '    - { name: prod-web, members: [web-01, web-02, web-03] }',
            'schedules: { discovery: null }',
            'rollout:',
            '  pilot: { group: canary, soak: 0s }',
            '  defaults: { concurrency: 2, soak: 0s }',
            ...extra,
          ].join('\n'),
        ),
      ],
      env: {},
      cwd: process.cwd(),
    })
  ).config;

/** Every host scanned once and missing the patch, so a proposal has something to run. */
export const seedEstate = async (runtime: Pick<Runtime, 'store'>): Promise<void> => {
  const at = new Date();
  await runtime.store.scans.start('scan-seed', 'test', HOSTS, at);
  await runtime.store.patches.upsert([{ id: PATCH, title: 'openssl 9.9.9-1', severity: 'important', security: true, cves: [], rebootHint: false, firstSeen: at }], 'scan-seed');
  for (const host of HOSTS) await runtime.store.findings.record('scan-seed', host, [{ patchId: PATCH, state: 'missing' }], at);
};

export interface TicketRuntime {
  runtime: Runtime;
  handle: StoreHandle;
  stop(): Promise<void>;
}

/** `log`: the runtime's logger (silent unless a test reads the lines). */
export const startTicketRuntime = async (extra: string[], pacing: Partial<TicketSyncTuning> = {}, log: Logger = createLogger({ level: 'silent' })): Promise<TicketRuntime> => {
  const config = await estateConfig(extra);
  const handle = await platform.openStore(config.store.url, { migrate: true });
  const runtime = await startRuntime({ config, platform, log, handle, workers: true, ticketSync: { ...TEST_PACING, ...pacing } });
  await seedEstate(runtime);
  return {
    runtime,
    handle,
    async stop() {
      await runtime.stop();
      await handle.close();
    },
  };
};

/** A console command as a configured person. */
export const ask = askAs;

export { until };

/** The change's outbox once nothing in it is pending any more. */
export const settledOutbox = (runtime: Pick<Runtime, 'store'>, changeId: string, timeoutMs?: number): Promise<OutboxEntry[]> =>
  until(
    `the ticket outbox of ${changeId} to settle`,
    async () => {
      const entries = await runtime.store.ticketOutbox.list(changeId);
      return entries.length > 0 && entries.every((e) => e.state !== 'pending') && entries;
    },
    timeoutMs,
  );

/** Titles of the cards posted to the approvals channel (threads included), oldest first. */
export const threadTitles = async (runtime: Pick<Runtime, 'surfaces'>): Promise<string[]> => (await consoleHistoryOf(runtime).recent('approvals', null, 200)).map((m) => m.card?.title ?? '');

/** The first line of each note, without its stamp. */
export const firstLines = (notes: string[]): string[] => notes.map((note) => note.split('\n')[0]!);

/** `[patchbot event CHG-1.3]` stamps of the notes; a stamp seen twice is a note written twice. */
export const stampsOf = (notes: string[]): string[] => notes.flatMap((note) => /\[patchbot event ([^\]]+)\]/.exec(note)?.[1] ?? []);
