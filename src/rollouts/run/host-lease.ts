import { failureLog } from '../../shared/failure-log.ts';
import type { Logger } from '../../shared/logger.ts';
import type { RolloutDeps } from './rollout-deps.ts';

/**
 * Host-run leases, in numbers. A worker stops its run once no renewal has succeeded for
 * STOP_AFTER of the lease (or at once when the run was taken over); another worker may take the
 * run over only TAKEOVER_AFTER of the lease after its last renewal. The gap between the two
 * (5/6 of a lease counting a late tick; 100 s of the default 2 min) is the time the stop has to
 * kill the command on the host, and it also absorbs clock skew between replicas.
 */
export const STOP_AFTER = 2 / 3;
export const TAKEOVER_AFTER = 1.5;

/** When a run whose lease ends at `leaseUntil` may be taken over: a lease and a half after its renewal. */
export const staleBefore = (at: Date, leaseMs: number): Date => new Date(at.getTime() - (TAKEOVER_AFTER - 1) * leaseMs);

export interface HeldLease {
  /** Aborted when the run must stop: taken over, or no renewal for STOP_AFTER of the lease. */
  signal: AbortSignal;
  /** Why the lease was lost, or null while it is held. */
  readonly lost: string | null;
  /** The run is another attempt's now (not just unrenewed). */
  readonly takenOver: boolean;
  /** The run is over: no more renewals. */
  release(): void;
}

interface LeaseArgs {
  changeId: string;
  host: string;
  attempt: number;
  /** The lease the claim took. */
  leaseUntil: Date;
  leaseMs: number;
  now: () => Date;
  log: Logger;
}

/**
 * Keeps a claimed host run's lease: renews it every third of the lease, and aborts `signal` as
 * soon as the run may no longer be ours, so the playbook stops before anyone else can start it.
 * A renewal that succeeds proves the run is still ours whatever the clock says, so one is always
 * tried first: only a failed, refused or hanging renewal past the limit stops the run.
 */
export const holdLease = (store: Pick<RolloutDeps['store'], 'rollouts'>, args: LeaseArgs): HeldLease => {
  const { changeId, host, attempt, leaseMs, now, log } = args;
  const controller = new AbortController();
  let lost: string | null = null;
  let takenOver = false;
  // The last renewal that succeeded was sent at (heldUntil - leaseMs); the stop comes STOP_AFTER of a lease later.
  let heldUntil = args.leaseUntil.getTime();
  let inFlight = false;
  let failed = false;
  // A renewal is retried every tick while the store is away: said once, and once when one works again.
  const renewals = failureLog(log.child({ attempt }), 'host run lease renewal');
  const overdue = () => now().getTime() >= heldUntil - leaseMs + STOP_AFTER * leaseMs;
  const lose = (why: string) => {
    if (lost) return;
    lost = why;
    clearInterval(timer);
    log.error({ attempt, reason: why }, 'host run lease lost; stopping the run');
    controller.abort(new Error(why));
  };
  const lapse = () => `no lease renewal succeeded for ${Math.round((now().getTime() - heldUntil + leaseMs) / 1000)}s (the lease is ${Math.round(leaseMs / 1000)}s)`;
  const tick = () => {
    if (lost) return;
    if (inFlight) {
      if (overdue()) lose(`${lapse()}: the store did not answer`);
      return;
    }
    if (!failed && now().getTime() < heldUntil - leaseMs + leaseMs / 3) return;
    inFlight = true;
    const until = now().getTime() + leaseMs;
    store.rollouts.renewLease(changeId, host, attempt, new Date(until)).then(
      (held) => {
        inFlight = false;
        if (!held) {
          takenOver = true;
          return lose(`attempt ${attempt} was taken over by another worker`);
        }
        failed = false;
        heldUntil = until;
        renewals.succeeded();
      },
      (error: Error) => {
        inFlight = false;
        failed = true;
        renewals.failed(error);
        if (overdue()) lose(`${lapse()}: ${error.message}`);
      },
    );
  };
  // Ticks at a sixth of the lease: a renewal every third, and a stop at most a sixth late.
  const timer = setInterval(tick, Math.max(100, leaseMs / 6));
  return {
    signal: controller.signal,
    get lost() {
      return lost;
    },
    get takenOver() {
      return takenOver;
    },
    release: () => clearInterval(timer),
  };
};
