import { randomBytes } from 'node:crypto';
import type { Config } from '../config/schema.ts';
import { scanAndAudit } from '../discovery/discovery-jobs.ts';
import { EXPIRY_SCHEDULE } from '../changes/expiry-job.ts';
import { HOUSEKEEPING_SCHEDULE } from '../jobs/housekeeping.ts';
import { startSchedules } from '../jobs/scheduler.ts';
import { proposalScheduleName } from '../rollouts/run/recurring-proposals.ts';
import { sweepRollouts, sweepSchedule } from '../rollouts/run/rollout-jobs.ts';
import type { Platform } from '../platform.ts';
import { createHttpServer } from '../server/http-server.ts';
import { createMetricsRegistry } from '../server/metrics.ts';
import { sendJson } from '../server/router.ts';
import { failureLog } from '../shared/failure-log.ts';
import type { Logger } from '../shared/logger.ts';
import { type LocalCommands, mountLocalApi } from './local-api.ts';
import { type Runtime, startRuntime } from './runtime.ts';

export interface ServiceOptions {
  config: Config;
  /** The outside world as ports, built from adapters by the composition root (src/main.ts). */
  platform: Platform;
  log: Logger;
  /** Runs the CLI commands other processes forward to this service (the CLI provides it). */
  commands: LocalCommands;
  /** Called once the local API is listening, e.g. to publish it in the embedded store's lock file. */
  onListening?: (api: { url: string; token: string }) => void;
}

export interface RunningService {
  url: string;
  runtime: Runtime;
  stop(reason: string): Promise<void>;
}

const DRAIN_MS = 10_000;

/** A fresh estate (a host never scanned) is scanned at start, so `npm start` shows real findings at once. */
const scanUnscannedHosts = async (runtime: Runtime): Promise<void> => {
  // Counted in the store: every start read every host and every host's latest scan to learn that
  // (as at most starts) none was new.
  const { neverScanned } = await runtime.store.scans.freshness(null, 0);
  if (neverScanned.count === 0) return;
  const hosts = (await runtime.store.hosts.list()).map((h) => h.name);
  // One id per hour: replicas starting together start one scan.
  const hour = new Date().toISOString().slice(0, 13).replace(/[-T]/g, '');
  const { scanId, created } = await scanAndAudit(runtime.scan, { hosts, requestedBy: 'patchbot:startup', scanId: `scan-${hour}-startup` });
  if (created) runtime.log.info({ scan: scanId, hosts: hosts.length }, 'scanning hosts never scanned before');
};

/**
 * Starts everything one replica runs: the runtime (store, queue, workers, executors), cron
 * schedules that fire through singleton jobs, and the one HTTP server.
 */
export const startService = async ({ config, platform, log, commands, onListening }: ServiceOptions): Promise<RunningService> => {
  const handle = await platform.openStore(config.store.url, { migrate: true });
  if (handle.applied.length) log.info({ applied: handle.applied }, 'migrations applied');
  // Said once, loudly: whoever could read the store until now may have read its secrets.
  if (handle.tightened?.length)
    log.warn({ count: handle.tightened.length, examples: handle.tightened.slice(0, 5) }, 'store files were readable by other users; made them private (0700 directories, 0600 files)');
  const runtime = await startRuntime({ config, platform, log, handle, workers: true }).catch(async (error: unknown) => {
    // Nothing may keep a failed start alive: the error is reported and the process exits.
    await handle.close();
    throw error;
  });
  const schedules = [
    ...(config.schedules.discovery ? [{ name: 'discovery', cron: config.schedules.discovery }] : []),
    sweepSchedule(config.execution.rolloutSweep),
    HOUSEKEEPING_SCHEDULE,
    EXPIRY_SCHEDULE,
    ...config.schedules.proposals.map((p) => ({ name: proposalScheduleName(p), cron: p.cron, timezone: p.timezone })),
    ...runtime.tickets.schedules,
  ];
  // The rollout sweep fires every 30 s by default: while the database is away, one error and one line when firings work again.
  const firings = failureLog(log, 'schedule firing', { level: 'error' });
  const stopSchedules = startSchedules(
    schedules,
    runtime.queue,
    (error, name) => firings.failed(error, { schedule: name }),
    () => firings.succeeded(),
  );

  const metrics = createMetricsRegistry();
  const server = createHttpServer({
    host: config.server.host,
    port: config.server.port,
    log,
    metrics,
    readiness: async () => {
      const health = await runtime.store.health();
      return { ok: health.ok, checks: { store: health.detail } };
    },
  });

  for (const surface of runtime.surfaces) surface.mount?.(server, runtime.hub);
  // ITSM approval webhooks (DESIGN §6): the route passes the exact bytes; ticket sync verifies and queues.
  for (const system of ['servicenow', 'jira'] as const) {
    server.route('POST', `/itsm/${system}`, async ({ req, res, readBody }) => {
      const answer = await runtime.tickets.receiveWebhook(system, req.headers, await readBody());
      sendJson(res, answer.status, answer.body);
    });
  }

  // Never server.token: whoever holds the console's token (or reaches it through a proxy) must not
  // run CLI commands. This token lives only in memory and in the owner-only lock file.
  const token = randomBytes(32).toString('base64url');
  mountLocalApi(server, { token, commands, runtime });

  let url: string;
  try {
    ({ url } = await server.listen());
  } catch (error) {
    // A port in use: nothing started above may keep the process alive after the one-line error.
    await stopSchedules();
    await Promise.all(runtime.surfaces.map((s) => s.stop?.()));
    await runtime.stop();
    await handle.close();
    throw error;
  }
  onListening?.({ url, token });
  log.info({ url, store: handle.engine, dryRun: config.execution.dryRun }, 'patchbot started');
  await scanUnscannedHosts(runtime).catch((error: Error) => log.error({ err: error }, 'startup scan could not start'));
  // Changes left mid-rollout by a stop or a crash go on now, not at the next sweep.
  await sweepRollouts(runtime.rollouts).catch((error: Error) => log.error({ err: error }, 'rollout sweep failed'));

  let stopping: Promise<void> | null = null;
  return {
    url,
    runtime,
    stop(reason) {
      stopping ??= (async () => {
        log.info({ reason }, 'patchbot stopping');
        await stopSchedules();
        // Live views (the console's event streams) end first, or the server would wait them out.
        await Promise.all(runtime.surfaces.map((s) => s.stop?.()));
        await server.close({ drainMs: DRAIN_MS });
        log.debug('http server closed');
        await runtime.stop();
        log.debug('workers and connections stopped');
        await handle.close();
        log.info('patchbot stopped');
      })();
      return stopping;
    },
  };
};
