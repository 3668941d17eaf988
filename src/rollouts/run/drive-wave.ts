import { transitionChange } from '../../changes/transition.ts';
import { NEEDS_PATCH } from '../../chat/answers/estate.ts';
import type { HostRun } from '../../store/store.ts';
import { appendWaveEvent } from '../../tickets/outbox-events.ts';
import { durationText } from '../time-text.ts';
import { waveHosts } from '../rollout-plan.ts';
import { halt, move, say, type Step } from './step.ts';
import { rescanId } from './rollout-deps.ts';
import { windowCheck } from './window-check.ts';

const IN_FLIGHT: readonly HostRun['state'][] = ['queued', 'running'];
const FAILED: readonly HostRun['state'][] = ['failed', 'smoke-failed', 'still-missing'];

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** Halts when the wave failed beyond its budget or any smoke check failed; true when it did. */
const overBudget = async (step: Step, runs: readonly HostRun[]): Promise<boolean> => {
  const wave = step.plan.waves[step.progress.wave]!;
  const smoke = runs.find((r) => r.state === 'smoke-failed');
  if (smoke) {
    await halt(step, `Smoke check failed on ${smoke.host} in wave ${wave.name}${smoke.error ? `: ${smoke.error}` : ''}.`, runs);
    return true;
  }
  const failures = runs.filter((r) => FAILED.includes(r.state)).length;
  if (failures <= wave.failureBudget) return false;
  await halt(step, `Wave ${wave.name}: ${plural(failures, 'host')} failed, more than its budget of ${wave.failureBudget}.`, runs);
  return true;
};

/** The next batch of the wave, if the window still allows a new host; otherwise the change pauses. */
const startNextBatch = async (step: Step, runs: readonly HostRun[]): Promise<boolean> => {
  const { progress, plan } = step;
  const wave = plan.waves[progress.wave]!;
  const started = new Set(runs.map((r) => r.batch));
  const next = wave.batches.findIndex((_, b) => !started.has(b));
  if (next < 0) return false;
  const decision = windowCheck(step.deps.config, step.change, progress, step.now);
  if (!decision.may) {
    // Running hosts have finished (we only get here between batches); nothing new starts.
    await move(step, 'paused', { reason: decision.text });
    progress.pausedBy = 'window';
    progress.waitingSince = step.now;
    say(step, 'paused until its next window', decision.text);
    if (decision.nextOpening) step.effects.push({ kind: 'wake', at: decision.nextOpening.start });
    return true;
  }
  const hosts = wave.batches[next]!;
  await step.tx.rollouts.queueRuns(step.change.id, progress.wave, next, hosts);
  step.effects.push({ kind: 'run', hosts: hosts.map((host) => ({ host, attempt: 0 })) });
  if (next === 0) say(step, `wave ${progress.wave + 1} of ${plan.waves.length} started`, `${wave.name}: ${plural(waveHosts(wave).length, 'host')} in ${plural(wave.batches.length, 'batch')}${wave.batches.length === 1 ? '' : 'es'} of at most ${wave.concurrency}.`);
  return true;
};

/** After the rescan: the findings, not exit codes, decide which hosts are patched. */
const verify = async (step: Step, runs: readonly HostRun[]): Promise<HostRun[]> => {
  const { tx, change } = step;
  const rollback = change.parentId !== null;
  const dryRun = step.deps.config.execution.dryRun;
  const verdicts: HostRun[] = [];
  for (const run of runs) {
    if (run.state !== 'applied') {
      verdicts.push(run);
      continue;
    }
    const findings = await tx.findings.byHost(run.host);
    const missing = findings.filter((f) => change.patches.includes(f.patchId) && NEEDS_PATCH.includes(f.state)).map((f) => f.patchId);
    // A dry run changes nothing, and a rollback means to bring the patches back: neither is judged by them.
    const patched = dryRun || rollback || missing.length === 0;
    const state = patched ? 'verified' : 'still-missing';
    await tx.rollouts.setRunState(change.id, run.host, 'applied', state, patched ? null : `still missing after the rescan: ${missing.join(', ')}`);
    verdicts.push({ ...run, state });
  }
  return verdicts;
};

const finishWave = async (step: Step, runs: readonly HostRun[]) => {
  const { progress, plan } = step;
  const wave = plan.waves[progress.wave]!;
  const ok = runs.filter((r) => r.state === 'verified' || r.state === 'not-needed').length;
  const failed = runs.filter((r) => FAILED.includes(r.state)).length;
  progress.phase = 'soaking';
  progress.soakUntil = new Date(step.now.getTime() + wave.soakMs);
  const last = progress.wave === plan.waves.length - 1;
  say(step, `wave ${progress.wave + 1} of ${plan.waves.length} done`, `${wave.name}: ${ok} patched${failed ? `, ${failed} failed (budget ${wave.failureBudget})` : ''}.${wave.soakMs > 0 ? ` Soaking ${durationText(wave.soakMs)} before ${last ? 'completing' : 'the next wave'}.` : ''}`);
  if (wave.soakMs > 0) step.effects.push({ kind: 'wake', at: progress.soakUntil });
  // Ticket sync (DESIGN §6): a work note per wave, in the rollout's transaction.
  await appendWaveEvent(step.tx, step.change, progress.wave + 1, plan.waves.length, runs, step.now);
};

const complete = async (step: Step, runs: readonly HostRun[]) => {
  const { change } = step;
  await move(step, 'completed');
  step.progress.phase = 'done';
  const ok = runs.filter((r) => r.state === 'verified' || r.state === 'not-needed').length;
  const failed = runs.filter((r) => FAILED.includes(r.state)).length;
  say(step, 'completed', `${ok} of ${runs.length} hosts ${change.parentId ? 'rolled back' : 'patched'}${failed ? `, ${failed} failed within budget` : ''}.${step.deps.config.execution.dryRun ? ' Dry run: nothing was changed on the hosts.' : ''}`);
  if (change.parentId) {
    const parent = await step.tx.changes.getForUpdate(change.parentId);
    if (parent?.state === 'halted') await transitionChange(step.tx, parent, 'rolled-back', 'patchbot', step.now, { by: change.id });
  }
};

/** One step of a running change: next batch, rescan, verdicts, soak, next wave, completion. */
export const driveWave = async (step: Step): Promise<void> => {
  const { progress, plan, change, tx } = step;
  for (;;) {
    const wave = plan.waves[progress.wave];
    if (!wave) return complete(step, await tx.rollouts.runs(change.id));
    const runs = (await tx.rollouts.runs(change.id)).filter((r) => r.wave === progress.wave);
    if (progress.phase === 'running') {
      if (await overBudget(step, runs)) return;
      const queued = runs.filter((r) => IN_FLIGHT.includes(r.state));
      if (queued.length) {
        // Re-sent on every advance: keyed jobs make this a no-op unless a send was lost to a crash.
        step.effects.push({ kind: 'run', hosts: queued.filter((r) => r.state === 'queued').map((r) => ({ host: r.host, attempt: r.attempt })) });
        return;
      }
      if (await startNextBatch(step, runs)) return;
      const applied = runs.filter((r) => r.state === 'applied').map((r) => r.host);
      progress.phase = 'verifying';
      progress.scanId = applied.length ? rescanId(change.id, progress.wave, runs.reduce((n, r) => n + r.attempt, 0)) : null;
      if (progress.scanId) {
        step.effects.push({ kind: 'rescan', scanId: progress.scanId, hosts: applied });
        return;
      }
    }
    if (progress.phase === 'verifying') {
      if (progress.scanId && !(await tx.scans.progress(progress.scanId))?.finishedAt) return;
      const verdicts = await verify(step, runs);
      if (await overBudget(step, verdicts)) return;
      await finishWave(step, verdicts);
    }
    if (progress.phase === 'soaking') {
      if (progress.soakUntil && progress.soakUntil > step.now) return;
      progress.wave += 1;
      progress.phase = 'running';
      progress.scanId = null;
      progress.soakUntil = null;
      continue;
    }
    return;
  }
};
