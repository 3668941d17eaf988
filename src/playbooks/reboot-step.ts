import { ExecutionError, type HostSession, stopReason } from './executor.ts';
import { rebootCommands } from './host-signals.ts';
import type { RenderedCommand } from './render.ts';
import { blankRecord, type PreparedStep, type RunContext } from './run-step.ts';
import type { StepRecord } from './run-types.ts';

const CHECK_TIMEOUT_MS = 120_000;
const QUICK_TIMEOUT_MS = 30_000;
/** First wait before reconnecting; doubles up to the cap. A host takes tens of seconds to boot. */
const FIRST_WAIT_MS = 5_000;
const MAX_WAIT_MS = 30_000;

export interface RebootOutcome {
  record: StepRecord;
  rebooted: boolean;
  bootIds?: { before: string; after: string };
}

export const localRefusal = (host: string) => `patchbot never reboots the machine it runs on (${host} has connection: local); reboot it yourself when convenient`;

/**
 * A reboot step: decide (if-required), read the boot id, start the reboot, drop the session, then
 * reconnect through the executor until the host answers with a NEW boot id or the step's timeout
 * passes. A host that answers with the old id has not rebooted (yet): keep waiting; still the
 * old id at the deadline fails the step. On success ctx.session is the new connection.
 */
export async function runRebootStep(ctx: RunContext, step: Extract<PreparedStep, { kind: 'reboot' }>): Promise<RebootOutcome> {
  const commands = rebootCommands(ctx.host.os);
  const started = ctx.clock.now();
  const record = blankRecord('step', 'reboot', step.name, commands.reboot.text);
  const done = (outcome: Partial<StepRecord>, extra: Omit<RebootOutcome, 'record'> = { rebooted: false }): RebootOutcome => {
    Object.assign(record, outcome, { durationMs: ctx.clock.now() - started });
    ctx.log.info({ step: step.name, ok: record.ok, rebooted: extra.rebooted, error: record.error }, 'playbook reboot step finished');
    return { record, ...extra };
  };
  const local = ctx.host.connection === 'local';
  if (local && step.mode === 'always') return done({ error: localRefusal(ctx.host.name) });

  if (step.mode === 'if-required') {
    record.command = commands.check.text;
    const check = await quick(ctx.session, commands.check, CHECK_TIMEOUT_MS, ctx.signal);
    record.attempts = 1;
    Object.assign(record, { exitCode: check.exitCode, stdoutTail: check.stdout, stderrTail: check.stderr });
    if (ctx.signal?.aborted) return done({ error: `stopped: ${stopReason(ctx.signal)}`, errorKind: 'stopped' });
    const verdict = check.stdout.trim().split('\n').at(-1)?.trim();
    if (verdict === 'not-required') return done({ ok: true, skipped: 'no reboot required' });
    if (verdict !== 'required')
      return done({ error: `could not tell whether a reboot is required: the check printed ${JSON.stringify(check.stdout.trim().slice(0, 200))}${check.error ? ` (${check.error})` : ''}` });
    if (local) return done({ error: `a reboot is required, but ${localRefusal(ctx.host.name)}` });
    record.command = `${commands.check.text}\n${commands.reboot.text}`;
  }
  if (!ctx.executor) return done({ error: 'a reboot needs an executor to reconnect afterwards; pass one to runPlaybook' });

  // The reboot itself is never started by a run that was stopped (ctx.signal: the runner checks it before this step).
  const before = (await quick(ctx.session, commands.bootId, QUICK_TIMEOUT_MS, ctx.signal)).stdout.trim();
  if (ctx.signal?.aborted) return done({ error: `stopped before rebooting: ${stopReason(ctx.signal)}`, errorKind: 'stopped' });
  if (!before) return done({ error: 'could not read the boot id before rebooting' });
  const issued = await quick(ctx.session, commands.reboot, QUICK_TIMEOUT_MS);
  record.attempts = 1;
  // The host may drop the connection before the command reports back: that is the reboot working.
  const dropped = issued.errorKind === 'connection-lost' || issued.errorKind === 'timeout';
  if (!dropped && issued.exitCode !== 0) {
    return done({
      exitCode: issued.exitCode,
      stdoutTail: issued.stdout,
      stderrTail: issued.stderr,
      error: `the reboot command failed${issued.error ? `: ${issued.error}` : ` with exit ${issued.exitCode}`}`,
    });
  }
  ctx.log.info({ step: step.name, bootId: before }, 'reboot issued');
  await ctx.session.close().catch(() => undefined);

  const deadline = started + step.timeoutMs;
  let wait = FIRST_WAIT_MS;
  let lastSeen: string | null = null;
  let lastError = 'the host did not answer';
  while (ctx.clock.now() < deadline) {
    await ctx.clock.sleep(Math.min(wait, deadline - ctx.clock.now()));
    // Stopped while the host reboots: this run no longer owns it, so it does not wait for it either.
    if (ctx.signal?.aborted) return done({ error: `stopped while waiting for the host to come back: ${stopReason(ctx.signal)}`, errorKind: 'stopped' }, { rebooted: false });
    wait = Math.min(wait * 2, MAX_WAIT_MS);
    let session: HostSession;
    try {
      session = await ctx.executor.open(ctx.host);
    } catch (error) {
      lastError = (error as Error).message;
      continue;
    }
    const id = await quick(session, commands.bootId, QUICK_TIMEOUT_MS, ctx.signal);
    const after = id.stdout.trim();
    if (id.exitCode === 0 && after && after !== before) {
      ctx.session = session;
      ctx.ownsSession = true;
      ctx.log.info({ step: step.name, bootId: after }, 'host back after reboot');
      return done({ ok: true, exitCode: 0 }, { rebooted: true, bootIds: { before, after } });
    }
    if (after) lastSeen = after;
    else lastError = id.error ?? 'the boot id came back empty';
    await session.close().catch(() => undefined);
  }
  // ctx.session stays the closed old one: the runner stops at this failed step and only closes it.
  const seconds = Math.round(step.timeoutMs / 1000);
  return done({
    error: lastSeen === before ? `boot id unchanged after ${seconds}s (${before}): the host did not reboot` : `the host did not come back within ${seconds}s: ${lastError}`,
  });
}

interface Quick {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  error?: string;
  errorKind?: ExecutionError['kind'];
}

/** A helper command whose failure is data for the step, not an exception. */
async function quick(session: HostSession, rendered: RenderedCommand, timeoutMs: number, signal?: AbortSignal): Promise<Quick> {
  try {
    const r = await session.run({ command: rendered.command, timeoutMs, maxOutputBytes: 64 * 1024, signal });
    return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
  } catch (error) {
    return { exitCode: null, stdout: '', stderr: '', error: (error as Error).message, ...(error instanceof ExecutionError ? { errorKind: error.kind } : {}) };
  }
}
