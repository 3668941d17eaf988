/**
 * Rollout state in the store: one progress row per change, one run per host. The orchestrator
 * writes these before it acts, so they are the truth a restarted or second replica reads.
 */

/**
 * queued → running → applied | failed | smoke-failed, then after the wave's rescan applied →
 * verified | still-missing. `not-needed`: the host needed none of the change's patches.
 * `accepted`: a failure someone chose to go on past (Resume after a halt); no longer counted.
 * `dry-run`: under execution.dryRun the host would have been patched; nothing ran, so it is
 * never `verified` (applied → dry-run instead of a rescan's verdict).
 */
export type HostRunState = 'queued' | 'running' | 'applied' | 'failed' | 'smoke-failed' | 'verified' | 'still-missing' | 'not-needed' | 'accepted' | 'dry-run';

export interface HostRun {
  changeId: string;
  host: string;
  wave: number;
  batch: number;
  state: HostRunState;
  /** Times a worker started it: 2 after a crash and re-check. */
  attempt: number;
  leaseUntil: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** The playbook runs (steps with exit codes, durations, output tails) as recorded. */
  result: unknown;
  error: string | null;
}

/** running: hosts of the wave in progress; verifying: its rescan; soaking: watching before the next. */
export type RolloutPhase = 'waiting' | 'running' | 'verifying' | 'soaking' | 'done';

export interface RolloutProgress {
  changeId: string;
  /** Index into the plan's waves. */
  wave: number;
  phase: RolloutPhase;
  /** The rescan of the current wave, while verifying. */
  scanId: string | null;
  soakUntil: Date | null;
  /** The window opening the change runs in: back in it after a restart, it carries on. */
  openingStart: Date | null;
  /** Since when it waits for a window (approval, or a pause): a missed opening is not run late. */
  waitingSince: Date | null;
  /** `window` when the window closed on it; a person's name when paused by hand. */
  pausedBy: string | null;
  haltReason: string | null;
  /** The last status line posted to the thread, so the same one is not posted twice. */
  status: string | null;
  updatedAt: Date;
}

export interface RolloutRepository {
  progress(changeId: string): Promise<RolloutProgress | null>;
  /** Reads and locks the progress row until the surrounding transaction ends. */
  progressForUpdate(changeId: string): Promise<RolloutProgress | null>;
  saveProgress(progress: RolloutProgress): Promise<void>;
  runs(changeId: string): Promise<HostRun[]>;
  /** One host's run of a change, or null: what a host job reads of its own run, not the change's every run. */
  run(changeId: string, host: string): Promise<HostRun | null>;
  /** How many of the change's runs are in each state (states with none are absent): the card's progress, counted in the store. */
  stateCounts(changeId: string): Promise<Partial<Record<HostRunState, number>>>;
  /** Queues hosts of one batch; hosts already queued or run are left as they are. */
  queueRuns(changeId: string, wave: number, batch: number, hosts: readonly string[]): Promise<void>;
  /**
   * Takes a run for this worker: a queued one (`recovered: false`), or a running one whose lease
   * ended before `staleBefore` — its worker died mid-run, or stopped when it lost the lease
   * (`recovered: true`). Null when another worker holds it, it is finished, its change is no
   * longer running, or another change is working on the same host (a lease ending at or after
   * `staleBefore`): exactly one worker runs a host, across replicas and changes. `staleBefore`
   * lies a margin before `at`, so a worker that lost its lease has stopped first (host-lease.ts).
   */
  claimRun(changeId: string, host: string, leaseUntil: Date, at: Date, staleBefore: Date): Promise<{ run: HostRun; recovered: boolean } | null>;
  /** Extends the lease of this attempt; false when the run is no longer this attempt's (stop). */
  renewLease(changeId: string, host: string, attempt: number, leaseUntil: Date): Promise<boolean>;
  /**
   * Records the outcome of the attempt this worker holds; false when a later attempt took the
   * run over (its result stands, not this one's).
   */
  finishRun(changeId: string, host: string, outcome: { attempt: number; state: HostRunState; result: unknown; error: string | null; at: Date }): Promise<boolean>;
  /** Verdicts after a rescan (applied → verified | still-missing). */
  setRunState(changeId: string, host: string, from: HostRunState, to: HostRunState, error?: string | null): Promise<void>;
  /** setRunState for many hosts of one change in one statement: a wave's verdicts. A null error keeps the run's own. */
  setRunStates(changeId: string, from: HostRunState, verdicts: ReadonlyArray<{ host: string; to: HostRunState; error: string | null }>): Promise<void>;
  /** Running hosts of running changes whose lease ended before `at`: left by a crash or a lost lease, to be re-checked. */
  expiredLeases(at: Date): Promise<Array<{ changeId: string; host: string }>>;
}

export interface RolloutRepos {
  rollouts: RolloutRepository;
}
