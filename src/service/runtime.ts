import { announceScan } from '../chat/announce/announce-scan.ts';
import { type ChatHub, createChatHub } from '../chat/chat-hub.ts';
import { chatHandlers } from '../chat/handlers.ts';
import type { Config } from '../config/schema.ts';
import type { RolloutDeps } from '../rollouts/run/rollout-deps.ts';
import { kickRollout, onRolloutScanFinished, registerRolloutJobs } from '../rollouts/run/rollout-jobs.ts';
import { registerDiscoveryJobs } from '../discovery/discovery-jobs.ts';
import type { ScanDeps } from '../discovery/scan-deps.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { ChatSurfaceModule, Platform, StoreHandle } from '../platform.ts';
import type { Executor } from '../playbooks/executor.ts';
import { executorByConnection } from '../playbooks/executor-by-connection.ts';
import { HostLimiter } from '../playbooks/host-limiter.ts';
import { loadPlaybooks, type PlaybookCatalog } from '../playbooks/load-playbooks.ts';
import { scanRunner } from '../playbooks/run-scan.ts';
import type { Logger } from '../shared/logger.ts';
import type { Store } from '../store/store.ts';
import { syncConfigToStore } from './sync-config.ts';

/**
 * Everything a process needs to do patchbot's work: the store with config synced into it, the
 * job queue, executors and playbooks, and discovery's use-case dependencies. The service builds
 * one; a CLI command that does real work (scan) builds one too, or borrows the service's.
 */
export interface Runtime {
  config: Config;
  log: Logger;
  handle: StoreHandle;
  store: Store;
  queue: JobQueue;
  executor: Executor;
  catalog: PlaybookCatalog;
  scan: ScanDeps;
  /** Chat: every enabled surface, and the hub that dispatches to use cases and delivers replies. */
  surfaces: ChatSurfaceModule[];
  hub: ChatHub;
  rollouts: RolloutDeps;
  stop(): Promise<void>;
}

export interface RuntimeOptions {
  config: Config;
  platform: Platform;
  log: Logger;
  handle: StoreHandle;
  /** Take jobs on this process (the service does; a one-off CLI scan does for its own scan). */
  workers: boolean;
}

export const startRuntime = async ({ config, platform, log, handle, workers }: RuntimeOptions): Promise<Runtime> => {
  const store = handle.store;
  const counts = await syncConfigToStore(store, config);
  log.debug(counts, 'inventory and people synced from config');
  const catalog = await loadPlaybooks(config.playbooks.dir);
  const executor = executorByConnection(
    platform.executors({
      config,
      log,
      // Trust on first use is a security decision: it goes to the audit log, not only the log file.
      onHostKeyLearned: (host, line) => {
        void store.audit.append({ actor: 'patchbot', action: 'ssh.host-key-learned', subject: host.name, data: { knownHostsLine: line } }).catch((error: Error) => log.error({ err: error }, 'could not audit a learned host key'));
      },
    }),
  );
  const queue = await handle.startQueue((error) => log.warn({ err: error }, 'job queue error'));
  const limiter = new HostLimiter(config.execution.concurrency, config.execution.perTagLimits);
  const surfaces = await platform.chatSurfaces({ config, store, log });
  const kick = (changeId: string, reason: string) => kickRollout({ queue }, changeId, reason);
  const hub = createChatHub({ store, bindings: surfaces.map((s) => s.binding), ...chatHandlers({ config, kick }), log: log.child({ component: 'chat' }) });
  const scan: ScanDeps = {
    store,
    queue,
    runScan: scanRunner({ executor, catalog, log }),
    log,
    limit: (host) => limiter.acquire(host),
    storedPatches: new Map(),
    onScanFinished: async (scanId) => {
      await announceScan(hub, store, scanId);
      await onRolloutScanFinished({ queue }, scanId);
    },
  };
  const rollouts: RolloutDeps = { store, queue, config, executor, catalog, scan, chat: hub, log: log.child({ component: 'rollout' }), leaseMs: config.execution.hostRunLease };
  if (workers) {
    await registerDiscoveryJobs(scan, { concurrency: config.execution.concurrency });
    await registerRolloutJobs(rollouts, { concurrency: config.execution.concurrency });
  }
  return {
    config,
    log,
    handle,
    store,
    queue,
    executor,
    catalog,
    scan,
    surfaces,
    hub,
    rollouts,
    async stop() {
      // Running host scans finish (or expire and are retried elsewhere); then connections close.
      await queue.stop({ graceful: true, timeoutMs: 10_000 });
      log.debug('job queue stopped');
      await executor.close();
    },
  };
};
