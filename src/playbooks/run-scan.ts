import type { Host } from '../inventory/host.ts';
import type { Logger } from '../shared/logger.ts';
import { playbookFor } from './catalog.ts';
import { ExecutionError, type Executor } from './executor.ts';
import type { PlaybookCatalog } from './load-playbooks.ts';
import type { ParamValues } from './render.ts';
import { runPlaybook } from './run-playbook.ts';
import type { PlaybookRun } from './run-types.ts';

/**
 * A scan's stdout for its parser: the stdout of every step that ran, in order. Scan playbooks
 * keep anything that is not a `### patchbot:` section on stderr, so concatenating is safe.
 * Throws when a step's output outgrew the cap: a parser must never see a cut scan as a short one.
 */
export function scanStdout(run: PlaybookRun): string {
  const cut = run.steps.find((s) => s.truncated);
  if (cut) {
    throw new ExecutionError('command-failed', run.host, `the scan step "${cut.name}" printed more than the output cap; its head was dropped, so the scan cannot be trusted`);
  }
  const ran = run.steps.filter((s) => !s.skipped);
  // A scan is usually one step: hand its output over as it is, not a copy of it.
  return ran.length === 1 ? ran[0]!.stdoutTail : ran.map((s) => s.stdoutTail).join('');
}

/** Turns a failed scan run into the ExecutionError the discovery use case records per host. */
export function scanFailure(run: PlaybookRun): ExecutionError | null {
  if (run.ok) return null;
  const step = run.steps.find((s) => !s.ok);
  if (!step) return new ExecutionError('command-failed', run.host, `${run.playbook} failed`);
  const why = step.error ?? `exited with ${step.exitCode}`;
  const stderr = step.stderrTail.trim().split('\n').slice(-3).join(' | ');
  return new ExecutionError(step.errorKind ?? 'command-failed', run.host, `${run.playbook}, step "${step.name}": ${why}${stderr ? `: ${stderr}` : ''}`);
}

export interface ScanDeps {
  executor: Executor;
  catalog: PlaybookCatalog;
  log: Logger;
  /** Passed to every scan playbook that declares them (e.g. `refresh: false` in a lab). */
  params?: ParamValues;
}

/**
 * The discovery port's ScanRunner: picks the scan playbook for the host's os, runs it (scans are
 * read-only, so dry run does not matter), and returns the raw stdout for the parser. Throws
 * ExecutionError for an unreachable host or a failed scan step.
 */
export const scanRunner =
  (deps: ScanDeps) =>
  async (host: Host): Promise<{ stdout: string; run: PlaybookRun }> => {
    const playbook = playbookFor(deps.catalog, 'scan', host.os);
    const params = Object.fromEntries(Object.entries(deps.params ?? {}).filter(([name]) => name in playbook.params)) as ParamValues;
    const run = await runPlaybook({ executor: deps.executor, host, playbook, params, dryRun: false, log: deps.log });
    const failure = scanFailure(run);
    if (failure) throw failure;
    return { stdout: scanStdout(run), run };
  };
