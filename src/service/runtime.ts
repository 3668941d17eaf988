import { announceScan } from '../chat/announce/announce-scan.ts';
import { type ChatHub, createChatHub } from '../chat/chat-hub.ts';
import { chatHandlers } from '../chat/handlers.ts';
import type { Config } from '../config/schema.ts';
import type { RolloutDeps } from '../rollouts/run/rollout-deps.ts';
import { kickRollout, onRolloutScanFinished, registerRolloutJobs } from '../rollouts/run/rollout-jobs.ts';
import { registerDiscoveryJobs, scanAndAudit } from '../discovery/discovery-jobs.ts';
import type { ScanDeps } from '../discovery/scan-deps.ts';
import { registerChangeExpiry } from '../changes/expiry-job.ts';
import { registerHousekeeping } from '../jobs/housekeeping.ts';
import { AlreadySaidError, type JobQueue } from '../jobs/job-queue.ts';
import type { ChatSurfaceModule, Platform, StoreHandle } from '../platform.ts';
import type { Executor } from '../playbooks/executor.ts';
import { executorByConnection } from '../playbooks/executor-by-connection.ts';
import { HostLimiter } from '../playbooks/host-limiter.ts';
import { loadPlaybooks, type PlaybookCatalog } from '../playbooks/load-playbooks.ts';
import { scanRunner } from '../playbooks/run-scan.ts';
import { failureLog, sharedFailureLog } from '../shared/failure-log.ts';
import type { Logger } from '../shared/logger.ts';
import type { PatchbotStore } from '../patchbot-store.ts';
import { syncConfigToStore } from './sync-config.ts';
import { loadApprovalCard } from '../chat/changes/load-card.ts';
import { statusCard } from '../chat/changes/rollout-cards.ts';
import { rolloutNotices } from '../chat/changes/rollout-notices.ts';
import { prepareTicketing, startTicketSync, type TicketSync } from '../tickets/ticket-sync-start.ts';
import type { TicketSyncTuning } from '../tickets/ticket-sync-deps.ts';

/**
 * Everything a process needs to do patchbot's work: the store with config synced into it, the
 * job queue, executors and playbooks, and discovery's use-case dependencies. The service builds
 * one; a CLI command that does real work (scan) builds one too, or borrows the service's.
 */
export interface Runtime {
  config: Config;
  log: Logger;
  handle: StoreHandle;
  store: PatchbotStore;
  queue: JobQueue;
  executor: Executor;
  catalog: PlaybookCatalog;
  scan: ScanDeps;
  /** Chat: every enabled surface, and the hub that dispatches to use cases and delivers replies. */
  surfaces: ChatSurfaceModule[];
  hub: ChatHub;
  rollouts: RolloutDeps;
  /** Ticket sync (DESIGN §6): the outbox worker, ITSM approvals, the /itsm/* webhook entry point. */
  tickets: TicketSync;
  stop(): Promise<void>;
}

export interface RuntimeOptions {
  config: Config;
  platform: Platform;
  log: Logger;
  handle: StoreHandle;
  /** Take jobs on this process (the service does; a one-off CLI scan does for its own scan). */
  workers: boolean;
  /** Ticket sync pacing (pump interval, retry backoff); tests shorten it. */
  ticketSync?: Partial<TicketSyncTuning>;
  /** The orchestrator's clock (windows, soak); tests move it instead of waiting for 22:00. */
  now?: () => Date;
}

export const startRuntime = async ({ config, platform, log, handle, workers, ticketSync, now }: RuntimeOptions): Promise<Runtime> => {
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
        // The SSH handshake cannot wait for the audit write; a failed write is logged as an error.
        void store.audit
          .append({ actor: 'patchbot', action: 'ssh.host-key-learned', subject: host.name, data: { knownHostsLine: line } })
          .catch((error: Error) => log.error({ err: error }, 'could not audit a learned host key'));
      },
    }),
  );
  // Chat surfaces first: a bad Slack token fails startup before anything is started that would
  // have to be stopped again (a started queue keeps the process alive).
  const surfaces = await platform.chatSurfaces({ config, store, log });
  // Likewise an ITSM field mapping the instance cannot satisfy (docs/itsm.md).
  const itsm = await platform.ticketing(config, log);
  if (workers) await prepareTicketing(itsm.ticketing, log.child({ component: 'tickets' }));
  // The database away is one warning and one line when it is back, however many queues poll it.
  const database = failureLog(log, 'job queue database connection');
  // What it holds up: jobs are not taken on this replica while their queue's poll fails. One line
  // for all queues, naming them, and one when the last is polled again, proving the workers resumed.
  const polls = sharedFailureLog(log, 'job polling', 'queues');
  const queue = await handle.startQueue({
    unreachable: (error) => database.failed(error),
    reachable: () => database.succeeded(),
    pollFailed: (name, error) => polls.failed(name, error),
    polled: (name) => polls.succeeded(name),
    error: (error, job) => log[error instanceof AlreadySaidError ? 'debug' : 'warn']({ err: error, ...(job ? { queue: job.name, job: job.id } : {}) }, 'job queue error'),
  });
  const limiter = new HostLimiter(config.execution.concurrency, config.execution.perTagLimits);
  const kick = (changeId: string, reason: string) => kickRollout({ queue }, changeId, reason);
  // `scan` from chat starts a scan with the discovery dependencies made just below.
  const startScan = (hosts: string[], by: string) => scanAndAudit(scan, { hosts, requestedBy: `chat:${by}` });
  const hub = createChatHub({ store, bindings: surfaces.map((s) => s.binding), ...chatHandlers({ config, kick, startScan, catalog }), log: log.child({ component: 'chat' }) });
  const scan: ScanDeps = {
    store,
    queue,
    runScan: scanRunner({ executor, catalog, log }),
    log,
    limit: (host) => limiter.acquire(host),
    storedPatches: new Map(),
    limits: config.execution.scanLimits,
    onScanFinished: async (scanId) => {
      await announceScan(hub, store, scanId, { schedule: config, approval: config.approval, now: (now ?? (() => new Date()))() });
      await onRolloutScanFinished({ queue }, scanId);
    },
  };
  const rollouts: RolloutDeps = {
    store,
    queue,
    config,
    executor,
    catalog,
    scan,
    notices: rolloutNotices({ store, hub, schedule: config, ...(now ? { now } : {}) }),
    log: log.child({ component: 'rollout' }),
    leaseMs: config.execution.hostRunLease,
    ...(now ? { now } : {}),
  };
  if (workers) {
    await registerDiscoveryJobs(scan, { concurrency: config.execution.concurrency });
    await registerRolloutJobs(rollouts, { concurrency: config.execution.concurrency });
    await registerHousekeeping({ store, queue, log: log.child({ component: 'housekeeping' }), ...(now ? { now } : {}) });
    await registerChangeExpiry({
      store,
      queue,
      log: log.child({ component: 'expiry' }),
      ...(now ? { now } : {}),
      notices: {
        // Said in the change's thread, and the approval card refreshed: an expired change's card has no buttons.
        expired: async (changeId) => {
          const change = await store.changes.get(changeId);
          if (!change) return;
          const deadline = change.expiresAt ? ` at ${change.expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '';
          await hub.broadcast([
            {
              channel: 'approvals',
              card: statusCard(change, 'Approval expired', `Nobody decided before the approval deadline${deadline}. The change will not run; propose it again if it is still needed.`),
            },
          ]);
          await hub.refresh(`change:${changeId}`, await loadApprovalCard(store, change, { schedule: config, now: (now ?? (() => new Date()))() }));
        },
      },
    });
  }
  // Ticket sync: src/tickets knows no chat, so its notices become cards in the change's thread here.
  const tickets = await startTicketSync({
    store,
    queue,
    config,
    catalog,
    kick,
    workers,
    itsm,
    log: log.child({ component: 'tickets' }),
    ...(ticketSync ? { tuning: ticketSync } : {}),
    notices: {
      post: async (changeId, { title, text }) => {
        const change = await store.changes.get(changeId);
        if (change) await hub.broadcast([{ channel: 'approvals', card: statusCard(change, title, text) }]);
      },
      refresh: async (changeId) => {
        const change = await store.changes.get(changeId);
        if (change) await hub.refresh(`change:${changeId}`, await loadApprovalCard(store, change, { schedule: config, now: (now ?? (() => new Date()))() }));
      },
    },
  });
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
    tickets,
    async stop() {
      await tickets.stop();
      // Running host scans finish (or expire and are retried elsewhere); then connections close.
      await queue.stop({ graceful: true, timeoutMs: 10_000 });
      log.debug('job queue stopped');
      await executor.close();
    },
  };
};
