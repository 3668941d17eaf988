import { loadConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';
import type { Platform, StoreHandle } from '../../src/platform.ts';
import { type Runtime, startRuntime } from '../../src/service/runtime.ts';
import { createLogger } from '../../src/shared/logger.ts';
import type { TicketSyncTuning } from '../../src/tickets/ticket-sync-deps.ts';
import { platform as testPlatform } from './platform.ts';

/**
 * The service's runtime with its workers, from config files as `patchbot start` loads them: the
 * store opened and migrated, logging silent. `platform` swaps adapters (a fake executor), `now`
 * gives the runtime the test's clock.
 */
export const startTestRuntime = async (
  files: string[],
  options: { platform?: Platform; now?: () => Date; ticketSync?: Partial<TicketSyncTuning> } = {},
): Promise<{ config: Config; handle: StoreHandle; runtime: Runtime }> => {
  const platform = options.platform ?? testPlatform;
  const config = (await loadConfig({ files, env: {}, cwd: process.cwd() })).config;
  const handle = await platform.openStore(config.store.url, { migrate: true });
  const runtime = await startRuntime({
    config,
    platform,
    log: createLogger({ level: 'silent' }),
    handle,
    workers: true,
    ...(options.now ? { now: options.now } : {}),
    ...(options.ticketSync ? { ticketSync: options.ticketSync } : {}),
  });
  return { config, handle, runtime };
};
