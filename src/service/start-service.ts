import { randomBytes } from 'node:crypto';
import type { Config } from '../config/schema.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { type ScheduleFiring, scheduleQueue, startSchedules } from '../jobs/scheduler.ts';
import type { Platform, StoreHandle } from '../platform.ts';
import { createHttpServer } from '../server/http-server.ts';
import { sendJson } from '../server/router.ts';
import { createMetricsRegistry } from '../server/metrics.ts';
import type { Logger } from '../shared/logger.ts';
import { bearerMatches, captureOutput, isLoopback } from './local-api.ts';
import { syncConfigToStore } from './sync-config.ts';

export type CliRunner = (argv: string[], io: { stdout: { write(t: string): unknown }; stderr: { write(t: string): unknown }; cwd: string }, store: StoreHandle) => Promise<number>;

export interface ServiceOptions {
  config: Config;
  platform: Platform;
  log: Logger;
  /** Runs a CLI command forwarded by another process against this service's open store. */
  runCli: CliRunner;
  /** Called once the local API is listening, e.g. to publish it in the embedded store's lock file. */
  onListening?: (api: { url: string; token: string }) => void;
}

export interface RunningService {
  url: string;
  store: StoreHandle;
  queue: JobQueue;
  stop(reason: string): Promise<void>;
}

const DRAIN_MS = 10_000;

/**
 * Starts everything one replica runs: store (migrated), config synced into it, the job queue and
 * its workers, cron schedules that fire through singleton jobs, and the one HTTP server.
 */
export const startService = async ({ config, platform, log, runCli, onListening }: ServiceOptions): Promise<RunningService> => {
  const store = await platform.openStore(config.store.url, { migrate: true });
  if (store.applied.length) log.info({ applied: store.applied }, 'migrations applied');
  const counts = await syncConfigToStore(store.store, config);
  log.info(counts, 'inventory and people synced from config');

  const queue = await store.startQueue((error) => log.warn({ err: error }, 'job queue error'));
  const schedules = config.schedules.discovery ? [{ name: 'discovery', cron: config.schedules.discovery }] : [];
  await queue.work<ScheduleFiring>(scheduleQueue('discovery'), async (firing) => {
    // Discovery itself lands with issue #3; the firing is still recorded so its cadence is auditable.
    await store.store.audit.append({ actor: 'patchbot', action: 'schedule.fired', subject: firing.schedule, data: { firedAt: firing.firedAt } });
    log.info(firing, 'discovery schedule fired');
  });
  const stopSchedules = startSchedules(schedules, queue, (error, name) => log.error({ err: error, schedule: name }, 'schedule firing failed'));

  const metrics = createMetricsRegistry();
  const server = createHttpServer({
    host: config.server.host,
    port: config.server.port,
    log,
    metrics,
    readiness: async () => {
      const health = await store.store.health();
      return { ok: health.ok, checks: { store: health.detail } };
    },
  });

  const token = config.server.token ?? randomBytes(24).toString('base64url');
  server.route('POST', '/api/cli', async ({ req, res, readBody }) => {
    if (!isLoopback(req) || !bearerMatches(req, token)) return sendJson(res, 401, { error: 'unauthorized' });
    const request = JSON.parse((await readBody()).toString('utf8')) as { argv: string[]; cwd: string };
    const stdout = captureOutput();
    const stderr = captureOutput();
    const code = await runCli(request.argv, { stdout, stderr, cwd: request.cwd }, store);
    sendJson(res, 200, { code, stdout: stdout.text(), stderr: stderr.text() });
  });

  const { url } = await server.listen();
  onListening?.({ url, token });
  log.info({ url, store: store.engine, dryRun: config.execution.dryRun }, 'patchbot started');

  let stopping: Promise<void> | null = null;
  return {
    url,
    store,
    queue,
    stop(reason) {
      stopping ??= (async () => {
        log.info({ reason }, 'patchbot stopping');
        await stopSchedules();
        await server.close({ drainMs: DRAIN_MS });
        // Running jobs finish or, past the timeout, stay claimable by another replica after expiry.
        await queue.stop({ graceful: true, timeoutMs: DRAIN_MS });
        await store.close();
        log.info('patchbot stopped');
      })();
      return stopping;
    },
  };
};
