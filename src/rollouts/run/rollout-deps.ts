import type { ChatHub } from '../../chat/chat-hub.ts';
import type { Config } from '../../config/schema.ts';
import type { ScanDeps } from '../../discovery/scan-deps.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import type { Executor } from '../../playbooks/executor.ts';
import type { PlaybookCatalog } from '../../playbooks/load-playbooks.ts';
import type { Logger } from '../../shared/logger.ts';
import type { PatchbotStore } from '../../patchbot-store.ts';

/** What the orchestrator needs: the store is the truth, the queue does the work, chat is told. */
export interface RolloutDeps {
  store: PatchbotStore;
  queue: JobQueue;
  config: Config;
  executor: Executor;
  catalog: PlaybookCatalog;
  /** Discovery, for the rescans that decide what is patched. */
  scan: ScanDeps;
  chat: Pick<ChatHub, 'broadcast' | 'refresh'>;
  log: Logger;
  now?: () => Date;
  /** How long a host run is owned without a renewal before it counts as abandoned (default 2 min). */
  leaseMs?: number;
}

export const ADVANCE_QUEUE = 'rollout.advance';
export const HOST_RUN_QUEUE = 'rollout.host';

export interface AdvanceJob {
  changeId: string;
}

export interface HostRunJob {
  changeId: string;
  host: string;
}

export const DEFAULT_LEASE_MS = 120_000;

export const clockOf = (deps: Pick<RolloutDeps, 'now'>): (() => Date) => deps.now ?? (() => new Date());

/** Rescans are discovery scans with ids that name their change and wave, so their end finds the change. */
export const rescanId = (changeId: string, wave: number, round: number) => `rollout-${changeId}-w${wave + 1}-${round}`;
export const changeOfRescan = (scanId: string): string | null => /^rollout-(.+)-w\d+-\d+$/.exec(scanId)?.[1] ?? null;
