import { exactCron } from '../../jobs/every.ts';
import { type Schedule, scheduleQueue } from '../../jobs/scheduler.ts';
import { advanceRollout } from './advance.ts';
import { ADVANCE_QUEUE, type AdvanceJob, changeOfRescan, clockOf, DEFAULT_LEASE_MS, HOST_RUN_QUEUE, type HostRunJob, type RolloutDeps } from './rollout-deps.ts';
import { staleBefore } from './host-lease.ts';
import { runHostJob } from './run-host.ts';
import { registerRecurringProposals } from './recurring-proposals.ts';
import { ACTIVE } from './step.ts';

const SWEEP = 'rollouts';

/** The sweep's schedule: every `everyMs` (execution.rolloutSweep, 30 s by default; validated to be a period cron keeps). */
export const sweepSchedule = (everyMs: number): Schedule => {
  const cron = exactCron(everyMs);
  if (!cron) throw new Error(`the rollout sweep cannot fire every ${everyMs} ms by cron (config validation should have refused it)`);
  return { name: SWEEP, cron };
};

/**
 * Looks at every change with work ahead: advances each (a lost wake-up, an approval from a
 * process without workers) and re-queues host runs whose worker died. Runs at start and on a
 * schedule, once per firing across replicas.
 */
export const sweepRollouts = async (deps: RolloutDeps): Promise<void> => {
  const now = clockOf(deps)();
  const minute = now.toISOString().slice(0, 19);
  const active = await deps.store.changes.list({ states: [...ACTIVE], limit: 100_000 });
  for (const change of active) await deps.queue.send<AdvanceJob>(ADVANCE_QUEUE, { changeId: change.id }, { key: `sweep:${change.id}:${minute}` });
  // Stale, not just lapsed: a worker that lost its lease has stopped its run by then (host-lease.ts).
  const abandoned = await deps.store.rollouts.expiredLeases(staleBefore(now, deps.leaseMs ?? DEFAULT_LEASE_MS));
  if (abandoned.length) deps.log.warn({ runs: abandoned.length }, 'host runs abandoned by a stopped worker; re-checking them');
  await deps.queue.sendMany<HostRunJob>(
    HOST_RUN_QUEUE,
    abandoned.map((run) => ({ data: run, options: { key: `recover:${run.changeId}:${run.host}:${minute}`, retryLimit: 0 } })),
  );
};

/** Asks the change to go on now (an approval, a resume), instead of at the next sweep. */
export const kickRollout = async (deps: Pick<RolloutDeps, 'queue'>, changeId: string, reason: string): Promise<void> => {
  await deps.queue.send<AdvanceJob>(ADVANCE_QUEUE, { changeId }, { key: `kick:${changeId}:${reason}` });
};

/** A rescan a rollout started has finished: its change can judge the wave. */
export const onRolloutScanFinished = async (deps: Pick<RolloutDeps, 'queue'>, scanId: string): Promise<void> => {
  const changeId = changeOfRescan(scanId);
  if (changeId) await kickRollout(deps, changeId, scanId);
};

export const registerRolloutJobs = async (deps: RolloutDeps, { concurrency }: { concurrency: number }): Promise<void> => {
  // Deciding is quick and serialised per change by a row lock; a few at once is plenty.
  await deps.queue.work<AdvanceJob>(ADVANCE_QUEUE, async ({ changeId }) => advanceRollout(deps, changeId), { concurrency: 4 });
  await deps.queue.work<HostRunJob>(HOST_RUN_QUEUE, async (job) => runHostJob(deps, job), { concurrency });
  await deps.queue.work(scheduleQueue(SWEEP), async () => sweepRollouts(deps));
  await registerRecurringProposals(deps);
};
