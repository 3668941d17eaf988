import type { Host } from '../inventory/host.ts';
import type { Logger } from '../shared/logger.ts';
import { ExecutionError, type Executor, type HostSession } from './executor.ts';
import type { RebootMode, When } from './playbook.ts';
import type { RenderedCommand } from './render.ts';
import type { Clock, StepRecord } from './run-types.ts';

/** A step with its values filled in, ready to run on one host. */
export type PreparedStep =
  | { kind: 'run'; name: string; rendered: RenderedCommand; timeoutMs: number; retries: number; when?: When | undefined }
  | { kind: 'reboot'; name: string; mode: RebootMode; timeoutMs: number; when?: When | undefined };

/** What the step runners share during one playbook run on one host. */
export interface RunContext {
  host: Host;
  executor: Executor | undefined;
  /** The live session; a reboot replaces it. */
  session: HostSession;
  /** Whether the runner opened `session` (and so closes it). */
  ownsSession: boolean;
  log: Logger;
  clock: Clock;
  maxOutputBytes: number;
  retryDelayMs: (attempt: number) => number;
  /** Aborted: stop at once (RunPlaybookOptions.signal). */
  signal: AbortSignal | undefined;
}

export const blankRecord = (phase: StepRecord['phase'], kind: StepRecord['kind'], name: string, command: string): StepRecord => ({
  phase,
  kind,
  name,
  command,
  ok: false,
  exitCode: null,
  durationMs: 0,
  stdoutTail: '',
  stderrTail: '',
  truncated: false,
  attempts: 0,
});

/**
 * Runs one command step: re-runs it after a non-zero exit or a timeout, up to `retries` times
 * with a growing pause. Other execution errors (lost connection, authentication) end the step at
 * once: re-running into a dead host only delays the failure.
 */
export async function runCommandStep(ctx: RunContext, step: Extract<PreparedStep, { kind: 'run' }>, phase: StepRecord['phase']): Promise<StepRecord> {
  const started = ctx.clock.now();
  const record = blankRecord(phase, 'run', step.name, step.rendered.text);
  for (;;) {
    record.attempts++;
    ctx.log.debug({ step: step.name, attempt: record.attempts }, 'playbook step started');
    let retryable = false;
    try {
      const result = await ctx.session.run({ command: step.rendered.command, timeoutMs: step.timeoutMs, maxOutputBytes: ctx.maxOutputBytes, signal: ctx.signal });
      Object.assign(record, {
        exitCode: result.exitCode,
        stdoutTail: result.stdout,
        stderrTail: result.stderr,
        truncated: result.truncated,
        ok: result.exitCode === 0,
        error: undefined,
        errorKind: undefined,
      });
      retryable = result.exitCode !== 0;
      if (retryable) record.error = `exited with ${result.exitCode}`;
    } catch (error) {
      Object.assign(record, { ok: false, exitCode: null, stdoutTail: '', stderrTail: '', truncated: false, error: (error as Error).message });
      if (error instanceof ExecutionError) {
        record.errorKind = error.kind;
        retryable = error.kind === 'timeout';
      }
    }
    if (record.ok || !retryable || record.attempts > step.retries || ctx.signal?.aborted) break;
    const pause = ctx.retryDelayMs(record.attempts);
    ctx.log.warn({ step: step.name, attempt: record.attempts, error: record.error, retryInMs: pause }, 'playbook step retrying');
    await ctx.clock.sleep(pause);
    if (ctx.signal?.aborted) break;
  }
  if (record.error === undefined) delete record.error;
  if (record.errorKind === undefined) delete record.errorKind;
  record.durationMs = ctx.clock.now() - started;
  ctx.log.info({ step: step.name, ok: record.ok, exitCode: record.exitCode, attempts: record.attempts, durationMs: record.durationMs }, 'playbook step finished');
  return record;
}
