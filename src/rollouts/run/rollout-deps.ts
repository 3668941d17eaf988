import type { Config } from '../../config/schema.ts';
import type { ScanDeps } from '../../discovery/scan-deps.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import type { Executor } from '../../playbooks/executor.ts';
import type { PlaybookCatalog } from '../../playbooks/load-playbooks.ts';
import type { Logger } from '../../shared/logger.ts';
import type { RolloutNotices } from './rollout-notices.ts';
import type { ProposeTx } from '../../changes/propose-change.ts';
import type { ChangeRepos } from '../../changes/change-store.ts';
import type { TransitionTx } from '../../changes/transition.ts';
import type { DiscoveryRepos } from '../../discovery/discovery-store.ts';
import type { InventoryRepos } from '../../inventory/inventory-store.ts';
import type { Transactional } from '../../store/transactional.ts';
import type { OutboxTx } from '../../tickets/outbox-events.ts';
import type { RolloutRepos } from '../rollout-store.ts';

/** What one rollout decision reads and writes, in its transaction (the ticket hears of each wave). */
export type RolloutTx = TransitionTx & ChangeRepos & RolloutRepos & Pick<DiscoveryRepos, 'findings' | 'scans'> & OutboxTx;

/** The orchestrator's store: decisions in transactions; host runs and recurring proposals around them. */
export type RolloutStore = RolloutTx & InventoryRepos & Pick<DiscoveryRepos, 'patches'> & Transactional<RolloutTx & ProposeTx>;

/** What the orchestrator needs: the store is the truth, the queue does the work, people are told. */
export interface RolloutDeps {
  store: RolloutStore;
  queue: JobQueue;
  config: Config;
  executor: Executor;
  catalog: PlaybookCatalog;
  /** Discovery, for the rescans that decide what is patched. */
  scan: ScanDeps;
  /** What people hear: statuses, halts, proposals, the change's card redrawn (chat implements it). */
  notices: RolloutNotices;
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
