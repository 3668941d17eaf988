import { hostLogger } from '../shared/logger.ts';
import { stopReason } from './executor.ts';
import type { PlaybookCatalog } from './load-playbooks.ts';
import { rollbackFor } from './catalog.ts';
import { PlaybookChoiceError } from './errors.ts';
import type { SmokeCheck, Step } from './playbook.ts';
import { localRefusal, runRebootStep } from './reboot-step.ts';
import type { Dialect } from './template.ts';
import { dialectFor, type ParamValues, renderCommand, renderParams } from './render.ts';
import { blankRecord, type PreparedStep, type RunContext, runCommandStep } from './run-step.ts';
import { DEFAULT_OUTPUT_BYTES, defaultRetryDelay, type PlaybookRun, realClock, type RunPlaybookOptions, SCAN_OUTPUT_BYTES, type StepRecord } from './run-types.ts';

export type { PlaybookRun, RunPlaybookOptions, StepRecord } from './run-types.ts';

/**
 * Runs a playbook on one host over one session (DESIGN §4). Everything is rendered first, so a
 * refused parameter (PlaybookParamError) or a playbook for another os (PlaybookChoiceError)
 * throws before anything runs; so does a failed connect (ExecutionError: unreachable, auth…).
 * After that, everything is recorded in the PlaybookRun, never thrown: the steps in order up to
 * the first failure (after retries), then — when all passed — every smoke check.
 */
export async function runPlaybook(options: RunPlaybookOptions): Promise<PlaybookRun> {
  const { host, playbook } = options;
  if (!playbook.os.includes(host.os)) {
    throw new PlaybookChoiceError(`${playbook.name} runs on ${playbook.os.join(', ')}; ${host.name} is ${host.os}.`, `Pick the ${playbook.kind} playbook for ${host.os}.`);
  }
  const dialect = dialectFor(host.os);
  const params = renderParams(playbook, options.params ?? {}, dialect);
  const ready = (list: readonly (Step | SmokeCheck)[]) => list.map((s) => prepare(playbook.name, s, params, dialect));
  const prepared = { steps: ready(playbook.steps), smoke: ready(playbook.smoke) };
  const log = hostLogger(options.log, host.name).child({ playbook: playbook.name });
  const execute = !options.dryRun || playbook.readOnly;
  const run: PlaybookRun = {
    playbook: playbook.name,
    host: host.name,
    ok: true,
    dryRun: options.dryRun,
    executed: execute,
    steps: [],
    smoke: [],
    rebooted: false,
    startedAt: new Date(),
    finishedAt: new Date(),
  };
  const record = async (r: StepRecord) => {
    (r.phase === 'step' ? run.steps : run.smoke).push(r);
    await options.onStep?.(r);
  };
  log.info({ dryRun: options.dryRun, execute }, 'playbook run started');
  if (!execute) {
    for (const [phase, list] of [
      ['step', prepared.steps],
      ['smoke', prepared.smoke],
    ] as const) {
      for (const step of list) {
        const skip = skipReason(step, host.os);
        const result = skip ? skippedRecord(phase, step, skip) : dryRunRecord(step, host.name, host.connection === 'local', phase);
        await record(result);
        if (!result.ok && run.ok) {
          run.ok = false;
          run.failedStep = step.name;
        }
      }
    }
    return finish(run, log);
  }

  if (!options.session && !options.executor) throw new TypeError('runPlaybook needs an executor or an open session');
  const ctx: RunContext = {
    host,
    executor: options.executor,
    session: options.session ?? (await options.executor!.open(host)),
    ownsSession: !options.session,
    log,
    clock: options.clock ?? realClock,
    maxOutputBytes: options.maxOutputBytes ?? (playbook.kind === 'scan' ? SCAN_OUTPUT_BYTES : DEFAULT_OUTPUT_BYTES),
    retryDelayMs: options.retryDelayMs ?? defaultRetryDelay,
    signal: options.signal,
  };
  // Stopped (the signal): nothing more starts, and the run says why instead of passing or failing on its own.
  const stopped = (result?: StepRecord): boolean => {
    if (!options.signal?.aborted && result?.errorKind !== 'stopped') return false;
    run.ok = false;
    run.stopped = options.signal?.aborted ? stopReason(options.signal) : (result?.error ?? 'stopped');
    return true;
  };
  try {
    for (const step of prepared.steps) {
      if (stopped()) break;
      const skip = skipReason(step, host.os);
      if (skip) {
        await record(skippedRecord('step', step, skip));
        continue;
      }
      let result: StepRecord;
      if (step.kind === 'run') result = await runCommandStep(ctx, step, 'step');
      else {
        const outcome = await runRebootStep(ctx, step);
        result = outcome.record;
        if (outcome.rebooted) run.rebooted = true;
        if (outcome.bootIds) run.bootIds = outcome.bootIds;
      }
      await record(result);
      if (!result.ok) {
        run.ok = false;
        run.failedStep = step.name;
        stopped(result);
        break;
      }
    }
    // Smoke checks prove a changed host still works; after a failed step the change is already
    // known bad, so they would only add noise. All of them run, so the report names every failure.
    if (run.ok) {
      for (const check of prepared.smoke) {
        if (check.kind !== 'run') continue;
        if (stopped()) break;
        const skip = skipReason(check, host.os);
        const result = skip ? skippedRecord('smoke', check, skip) : await runCommandStep(ctx, check, 'smoke');
        await record(result);
        if (stopped(result)) break;
        if (!result.ok) run.smokeFailed = true;
      }
      if (run.smokeFailed || run.stopped) run.ok = false;
    }
  } finally {
    if (ctx.ownsSession) await ctx.session.close().catch(() => undefined);
  }
  return finish(run, log);
}

/**
 * Runs the steps that undo `playbook` (an apply playbook): its inline rollback section, or the
 * rollback playbook it names (found in `catalog`; only the parameters that one declares are
 * passed on). Same rules as runPlaybook, smoke checks included.
 */
export async function runRollback(options: RunPlaybookOptions & { catalog?: PlaybookCatalog }): Promise<PlaybookRun> {
  const { catalog, ...rest } = options;
  const rollback = rollbackFor(catalog, options.playbook);
  const params = Object.fromEntries(Object.entries(options.params ?? {}).filter(([name]) => name in rollback.params)) as ParamValues;
  return runPlaybook({ ...rest, playbook: rollback, params });
}

function prepare(playbook: string, step: Step | SmokeCheck, params: ReadonlyMap<string, string>, dialect: Dialect): PreparedStep {
  if (step.kind === 'reboot') return { ...step };
  const { run, ...rest } = step;
  return { ...rest, rendered: renderCommand(playbook, run, params, dialect) };
}

const skippedRecord = (phase: StepRecord['phase'], step: PreparedStep, reason: string): StepRecord => ({
  ...blankRecord(phase, step.kind, step.name, step.kind === 'run' ? step.rendered.text : `reboot: ${step.mode}`),
  ok: true,
  skipped: reason,
});

function skipReason(step: PreparedStep, os: string): string | null {
  if (!step.when || step.when.os.includes(os as never)) return null;
  return `when.os is ${step.when.os.join(', ')}; this host is ${os}`;
}

function dryRunRecord(step: PreparedStep, host: string, local: boolean, phase: StepRecord['phase'] = 'step'): StepRecord {
  if (step.kind === 'run') return { ...blankRecord(phase, 'run', step.name, step.rendered.text), ok: true, skipped: `would run: ${step.rendered.text}` };
  const base = blankRecord(phase, 'reboot', step.name, `reboot: ${step.mode}`);
  // A reboot that the real run would refuse is reported now, so the dry run shows the problem.
  if (local && step.mode === 'always') return { ...base, error: localRefusal(host) };
  const note = local ? '; this host is local, so patchbot would fail the step rather than reboot it' : '';
  return { ...base, ok: true, skipped: step.mode === 'always' ? 'would reboot' : `would reboot if the host says one is required${note}` };
}

function finish(run: PlaybookRun, log: RunContext['log']): PlaybookRun {
  run.finishedAt = new Date();
  log.info({ ok: run.ok, failedStep: run.failedStep, smokeFailed: run.smokeFailed, stopped: run.stopped, rebooted: run.rebooted }, 'playbook run finished');
  return run;
}
