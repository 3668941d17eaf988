import type { HostRun, RolloutProgress } from '../rollout-store.ts';
import type { RolloutPlan } from '../rollout-plan.ts';
import type { StartDecision } from '../start-decision.ts';
import { rescanId } from './rollout-deps.ts';

/**
 * The decision half of a running change, apart from its effects (as a Temporal workflow is apart
 * from its activities): from what the store says and the clock, what the change does next.
 * drive-wave.ts reads the state, asks here, and carries the answer out in the transaction.
 */

export const IN_FLIGHT: readonly HostRun['state'][] = ['queued', 'running'];
export const FAILED: readonly HostRun['state'][] = ['failed', 'smoke-failed', 'still-missing'];

/** How long a wave waits for its rescan before judging with what it has. */
export const RESCAN_PATIENCE_MS = 30 * 60_000;

export interface WaveView {
  changeId: string;
  plan: RolloutPlan;
  progress: Pick<RolloutProgress, 'wave' | 'phase' | 'scanId' | 'soakUntil'>;
  /** The host runs of the current wave. */
  runs: readonly HostRun[];
  /** The rescan of `progress.scanId` as stored (null: never started); undefined when there is none to ask about. */
  scan?: { startedAt: Date; finishedAt: Date | null } | null | undefined;
  /** May a new host start now (the window, asked with the change's progress). */
  window: StartDecision;
  now: Date;
  /** Every host that applied ran under execution.dryRun (its run says so): nothing changed, so no rescan could show anything; none is started. */
  dryRun?: boolean;
}

export type WindowOpen = Extract<StartDecision, { may: true }>;
export type WindowClosed = Extract<StartDecision, { may: false }>;

export type WaveAction =
  /** No wave left: the change is done. */
  | { kind: 'complete' }
  | { kind: 'halt'; reason: string; runs: readonly HostRun[] }
  /** Nothing to do until a host run, the rescan, the soak or the clock moves on. */
  | { kind: 'wait' }
  /** Hosts are in flight; the queued ones are sent again (a no-op unless a send was lost). */
  | { kind: 'resend'; hosts: Array<{ host: string; attempt: number }>; window: WindowOpen }
  /** A new host would start but the window says no: the change pauses until it opens. */
  | { kind: 'pause'; window: WindowClosed }
  | { kind: 'start-batch'; batch: number; hosts: string[]; window: WindowOpen }
  /** Every batch ran: rescan the hosts that applied the patches (scanId null: none did, judge now). */
  | { kind: 'rescan'; scanId: string | null; hosts: string[] }
  /** The rescan was lost before it started: start it again (its id makes that idempotent). */
  | { kind: 'restart-rescan'; scanId: string; hosts: string[] }
  /** The rescan is in (or waited for long enough): the findings decide which hosts are patched. */
  | { kind: 'judge' }
  /** The soak is over: the next wave begins. */
  | { kind: 'next-wave' };

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** Why the wave halts — a failed smoke check, or failures beyond its budget — or null when it goes on. */
export const budgetVerdict = (wave: RolloutPlan['waves'][number], runs: readonly HostRun[]): string | null => {
  const smoke = runs.find((r) => r.state === 'smoke-failed');
  if (smoke) return `Smoke check failed on ${smoke.host} in wave ${wave.name}${smoke.error ? `: ${smoke.error}` : ''}.`;
  const failures = runs.filter((r) => FAILED.includes(r.state)).length;
  if (failures <= wave.failureBudget) return null;
  return `Wave ${wave.name}: ${plural(failures, 'host')} failed, more than its budget of ${wave.failureBudget}.`;
};

const running = (view: WaveView, wave: RolloutPlan['waves'][number]): WaveAction => {
  const { runs, window, progress } = view;
  const reason = budgetVerdict(wave, runs);
  if (reason) return { kind: 'halt', reason, runs };
  const inFlight = runs.filter((r) => IN_FLIGHT.includes(r.state));
  if (inFlight.length) {
    // Re-sent on every advance — but only while the window still allows a new host.
    const waiting = inFlight.filter((r) => r.state === 'queued');
    if (!waiting.length) return { kind: 'wait' };
    return window.may ? { kind: 'resend', hosts: waiting.map((r) => ({ host: r.host, attempt: r.attempt })), window } : { kind: 'pause', window };
  }
  const started = new Set(runs.map((r) => r.batch));
  const next = wave.batches.findIndex((_, b) => !started.has(b));
  if (next >= 0) return window.may ? { kind: 'start-batch', batch: next, hosts: wave.batches[next]!, window } : { kind: 'pause', window };
  const applied = runs.filter((r) => r.state === 'applied').map((r) => r.host);
  const scanId =
    applied.length && !view.dryRun
      ? rescanId(
          view.changeId,
          progress.wave,
          runs.reduce((n, r) => n + r.attempt, 0),
        )
      : null;
  return { kind: 'rescan', scanId, hosts: applied };
};

const verifying = ({ progress, scan, runs, now }: WaveView): WaveAction => {
  if (!progress.scanId) return { kind: 'judge' };
  if (!scan) return { kind: 'restart-rescan', scanId: progress.scanId, hosts: runs.filter((r) => r.state === 'applied').map((r) => r.host) };
  // A rescan whose host jobs were lost never finishes; after a while its unreached hosts count as not shown patched.
  if (!scan.finishedAt && now.getTime() - scan.startedAt.getTime() < RESCAN_PATIENCE_MS) return { kind: 'wait' };
  return { kind: 'judge' };
};

/** The next thing a running change does, from its state and the clock alone. */
export const nextWaveAction = (view: WaveView): WaveAction => {
  const wave = view.plan.waves[view.progress.wave];
  if (!wave) return { kind: 'complete' };
  switch (view.progress.phase) {
    case 'running':
      return running(view, wave);
    case 'verifying':
      return verifying(view);
    case 'soaking':
      return view.progress.soakUntil && view.progress.soakUntil > view.now ? { kind: 'wait' } : { kind: 'next-wave' };
    default:
      return { kind: 'wait' };
  }
};
