import type { Host } from '../inventory/host.ts';
import type { Logger } from '../shared/logger.ts';
import type { Executor, ExecutionErrorKind, HostSession } from './executor.ts';
import type { Playbook } from './playbook.ts';
import type { ParamValues } from './render.ts';

/** What happened to one step or smoke check on one host. */
export interface StepRecord {
  phase: 'step' | 'smoke';
  kind: 'run' | 'reboot';
  name: string;
  /** The rendered command (values filled in; for Windows the PowerShell script before encoding). */
  command: string;
  ok: boolean;
  /** null when the command never finished (timeout, lost connection) or did not run. */
  exitCode: number | null;
  /** Wall time over all attempts, backoff included. */
  durationMs: number;
  stdoutTail: string;
  stderrTail: string;
  /** The output was longer than the cap and its head was dropped. */
  truncated: boolean;
  /** Times the command ran: 1 + retries used; 0 when skipped. */
  attempts: number;
  /** Why it did not run: `would run: <command>` in a dry run, or the `when.os` mismatch. */
  skipped?: string;
  /** Why it failed, in words, when not a plain non-zero exit. */
  error?: string;
  errorKind?: ExecutionErrorKind;
}

export interface PlaybookRun {
  playbook: string;
  host: string;
  ok: boolean;
  dryRun: boolean;
  /** Whether commands really ran: false in a dry run of anything but a read-only playbook. */
  executed: boolean;
  steps: StepRecord[];
  smoke: StepRecord[];
  /** The first step that failed (after its retries); later steps did not run. */
  failedStep?: string;
  smokeFailed?: boolean;
  /** Why the run was stopped part-way (its signal aborted): the steps after the stop never ran. */
  stopped?: string;
  rebooted: boolean;
  /** Boot ids around the last reboot: proof the host really restarted. */
  bootIds?: { before: string; after: string };
  startedAt: Date;
  finishedAt: Date;
}

/** Time, injectable so tests of reboots and backoff do not wait for real. */
export interface Clock {
  // Function properties: tests build clocks from realClock's members, detached.
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

export interface RunPlaybookOptions {
  /** Opens the session (when `session` is not given) and reopens it after a reboot. */
  executor?: Executor;
  /** An open session to reuse; the caller keeps it (the runner closes it only to reboot). */
  session?: HostSession;
  host: Host;
  playbook: Playbook;
  params?: ParamValues;
  /** execution.dryRun: only read-only playbooks run; the others are recorded as `would run`. */
  dryRun: boolean;
  log: Logger;
  /** After each step and smoke check: progress cards, per-step persistence. */
  onStep?: (record: StepRecord) => void | Promise<void>;
  /** Output tail kept per stream and step; default 64 KiB, 16 MiB for scans (parsers need it all). */
  maxOutputBytes?: number;
  clock?: Clock;
  /** Pause before retry n (1-based); default 1 s, 2 s, 4 s … at most 15 s. */
  retryDelayMs?: (attempt: number) => number;
  /**
   * Stops the run: the command in flight is killed on the host (the Executor's contract), no
   * further step, retry, reboot wait or smoke check starts, and the run ends `stopped`, not ok.
   */
  signal?: AbortSignal;
}

export const DEFAULT_OUTPUT_BYTES = 64 * 1024;
export const SCAN_OUTPUT_BYTES = 16 * 1024 * 1024;
export const defaultRetryDelay = (attempt: number): number => Math.min(1_000 * 2 ** (attempt - 1), 15_000);
