import type { Change } from '../../src/changes/change.ts';
import type { RolloutPlan } from '../../src/rollouts/rollout-plan.ts';
import { dryRunText } from '../../src/rollouts/dry-run-commands.ts';
import type { HostRun, HostRunState, RolloutPhase, RolloutProgress } from '../../src/rollouts/rollout-store.ts';

/** A host of the plan that no worker has queued yet has no run row: it is `pending`. */
export type HostCellState = HostRunState | 'pending';

/**
 * What a cell of the chart shows. The store's states are finer than a glance needs: `applied`
 * (waiting for the rescan) and `verified` are both patched; the three failures are one red. A dry
 * run's host is never patched: it is `would-patch`.
 */
export type HostKind = 'pending' | 'running' | 'patched' | 'would-patch' | 'failed' | 'accepted' | 'not-needed';

export const HOST_KINDS: readonly HostKind[] = ['pending', 'running', 'patched', 'would-patch', 'failed', 'accepted', 'not-needed'];

const KIND_OF: Record<HostCellState, HostKind> = {
  pending: 'pending',
  queued: 'pending',
  running: 'running',
  applied: 'patched',
  verified: 'patched',
  'dry-run': 'would-patch',
  failed: 'failed',
  'smoke-failed': 'failed',
  'still-missing': 'failed',
  accepted: 'accepted',
  'not-needed': 'not-needed',
};

export const kindOf = (state: HostCellState): HostKind => KIND_OF[state];

export type KindCounts = Record<HostKind, number>;

export interface WaveHostView {
  host: string;
  batch: number;
  state: HostCellState;
  kind: HostKind;
  error: string | null;
}

export interface WaveView {
  index: number;
  name: string;
  pilot: boolean;
  /** done: the rollout moved past it (or finished); current: the one the rollout is in. */
  status: 'pending' | 'current' | 'done';
  batches: number;
  hosts: WaveHostView[];
  counts: KindCounts;
  /** Counted as the orchestrator counts them (failed, smoke-failed, still-missing; not accepted). */
  failures: number;
  failureBudget: number;
  soakMs: number;
}

export interface WavesView {
  change: string;
  title: string;
  state: Change['state'];
  class: Change['class'];
  /** Null until the rollout has started its bookkeeping (before approval, for one). */
  current: { wave: number; phase: RolloutPhase; soakUntil: string | null; pausedBy: string | null } | null;
  haltReason: string | null;
  waves: WaveView[];
  totals: KindCounts & { hosts: number };
  /**
   * The change's dry run as its card's State says it (dryRunText): '' when no host ran dry, "dry
   * run" when nothing was changed on any host, else how many hosts were patched and how many ran dry.
   */
  dryRun: string;
  /** Why there are no waves: a change without a valid plan. */
  note: string | null;
  generatedAt: string;
}

const zero = (): KindCounts => ({ pending: 0, running: 0, patched: 0, 'would-patch': 0, failed: 0, accepted: 0, 'not-needed': 0 });

const waveStatus = (index: number, progress: RolloutProgress | null): WaveView['status'] => {
  if (!progress) return 'pending';
  if (index < progress.wave || progress.phase === 'done') return 'done';
  return index === progress.wave ? 'current' : 'pending';
};

/**
 * The change's waves as the plan cut them, each host with the state its run has in the store.
 * The plan, not the runs, gives the shape: hosts not started yet are part of the picture.
 */
export const wavesView = (change: Change, plan: RolloutPlan | null, progress: RolloutProgress | null, runs: readonly HostRun[], now: Date): WavesView => {
  const runOf = new Map(runs.map((r) => [r.host, r]));
  const totals = { ...zero(), hosts: 0 };
  const waves = (plan?.waves ?? []).map((wave, index): WaveView => {
    const counts = zero();
    const hosts = wave.batches.flatMap((batch, b) =>
      batch.map((host): WaveHostView => {
        const run = runOf.get(host);
        const state: HostCellState = run?.state ?? 'pending';
        const kind = kindOf(state);
        counts[kind] += 1;
        totals[kind] += 1;
        totals.hosts += 1;
        return { host, batch: b, state, kind, error: run?.error ?? null };
      }),
    );
    return {
      index,
      name: wave.name,
      pilot: wave.pilot,
      status: waveStatus(index, progress),
      batches: wave.batches.length,
      hosts,
      counts,
      failures: counts.failed,
      failureBudget: wave.failureBudget,
      soakMs: wave.soakMs,
    };
  });
  return {
    change: change.id,
    title: change.title,
    state: change.state,
    class: change.class,
    current: progress ? { wave: progress.wave, phase: progress.phase, soakUntil: progress.soakUntil?.toISOString() ?? null, pausedBy: progress.pausedBy } : null,
    haltReason: progress?.haltReason ?? null,
    waves,
    totals,
    dryRun: dryRunText(runs, change.parentId === null ? 'patched' : 'restored'),
    note: plan ? null : `${change.id} has no valid wave plan, so it has no waves to show`,
    generatedAt: now.toISOString(),
  };
};
