import type { Change } from '../../changes/change.ts';
import { startScan } from '../../discovery/start-scan.ts';
import type { DryRunCommands } from '../dry-run-commands.ts';
import type { HostRun } from '../rollout-store.ts';
import { ADVANCE_QUEUE, type AdvanceJob, clockOf, HOST_RUN_QUEUE, type HostRunJob, type RolloutDeps } from './rollout-deps.ts';

/**
 * What a decision does outside the store. Decisions are committed first and their effects run
 * after; an effect lost to a crash is redone by the next sweep (jobs and scans are keyed, so
 * redoing them is harmless).
 */
export type Effect =
  | { kind: 'run'; hosts: Array<{ host: string; attempt: number }> }
  | { kind: 'rescan'; scanId: string; hosts: string[] }
  | { kind: 'wake'; at: Date }
  | { kind: 'status'; change: Change; title: string; text: string }
  | { kind: 'halted'; change: Change; reason: string; failed: readonly HostRun[] }
  | { kind: 'dry-run'; change: Change; title: string; hosts: readonly DryRunCommands[] }
  /** Another change's card shows something new (a rollback settled its parent). */
  | { kind: 'refresh'; changeId: string };

export const performEffects = async (deps: RolloutDeps, changeId: string, effects: readonly Effect[]): Promise<void> => {
  const now = clockOf(deps);
  const minute = now().toISOString().slice(0, 16);
  for (const effect of effects) {
    if (effect.kind === 'run') {
      await deps.queue.sendMany<HostRunJob>(
        HOST_RUN_QUEUE,
        // Keyed per minute: a re-send within the minute is dropped, a later one (after a resume, a
        // lost job) goes through; claimRun makes sure a host still runs once.
        effect.hosts.map(({ host, attempt }) => ({ data: { changeId, host }, options: { key: `run:${changeId}:${host}:${attempt}:${minute}`, retryLimit: 0 } })),
      );
    } else if (effect.kind === 'rescan') {
      // On the rollout's clock: the wave's patience with its rescan is measured from the scan's start.
      await startScan({ ...deps.scan, now }, { hosts: effect.hosts, requestedBy: `rollout:${changeId}`, scanId: effect.scanId });
    } else if (effect.kind === 'wake') {
      await deps.queue.send<AdvanceJob>(ADVANCE_QUEUE, { changeId }, { startAfter: effect.at, key: `wake:${changeId}:${effect.at.toISOString()}` });
    } else if (effect.kind === 'status') {
      await deps.notices.status(effect.change, effect.title, effect.text);
    } else if (effect.kind === 'dry-run') {
      await deps.notices.dryRun(effect.change, effect.title, effect.hosts);
    } else if (effect.kind === 'refresh') {
      await deps.notices.refresh(effect.changeId);
    } else {
      await deps.notices.halted(effect.change, effect.reason, effect.failed);
    }
  }
  // The approval card is the change's one live view: every decision refreshes it in place.
  await deps.notices.refresh(changeId);
};
