import type { PlaybookRun } from '../../playbooks/run-types.ts';
import type { Logger } from '../../shared/logger.ts';
import { scrubSecrets } from '../../shared/scrub-secrets.ts';
import type { HostRunJob, RolloutDeps } from './rollout-deps.ts';
import { whileStoreAway } from './store-retry.ts';

/** Tries to append the audit event while the store comes back: the outage is what lost the lease. */
const ATTEMPTS = 5;
const PAUSE_MS = 2_000;

interface StoppedRun extends HostRunJob {
  attempt: number;
  /** Why its lease was lost (host-lease.ts). */
  why: string;
  runs: readonly PlaybookRun[];
}

/**
 * A host run that stopped because its lease was lost. Its row is not written: it may belong to
 * the attempt that took the run over, and otherwise the sweep hands it to one (which rescans the
 * host before doing anything). What this attempt did — up to which step, and that it was stopped
 * for the lost lease, not passed or failed — goes to the audit log, so the record shows both.
 */
export const recordStopped = async (deps: Pick<RolloutDeps, 'store'>, run: StoppedRun, log: Logger): Promise<void> => {
  const steps = run.runs.flatMap((r) =>
    [...r.steps, ...r.smoke].map((s) => ({ playbook: r.playbook, name: s.name, ok: s.ok, exitCode: s.exitCode, ...(s.error ? { error: scrubSecrets(s.error) } : {}) })),
  );
  const event = {
    actor: 'patchbot',
    action: 'host.stopped',
    subject: run.changeId,
    data: { host: run.host, attempt: run.attempt, error: scrubSecrets(`stopped: its lease was lost: ${run.why}`), steps },
  };
  try {
    await whileStoreAway(() => deps.store.audit.append(event), { tries: ATTEMPTS, pauseMs: PAUSE_MS });
  } catch (error) {
    log.error({ err: error, attempt: run.attempt, steps }, 'stopped host run not recorded in the audit log');
  }
};
