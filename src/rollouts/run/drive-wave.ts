import { transitionChange } from '../../changes/transition.ts';
import { NEEDS_PATCH } from '../../discovery/patch.ts';
import type { HostRun } from '../rollout-store.ts';
import { appendWaveEvent } from '../../tickets/outbox-events.ts';
import { durationText } from '../time-text.ts';
import { waveHosts } from '../rollout-plan.ts';
import { halt, move, say, type Step } from './step.ts';
import { rescanId } from './rollout-deps.ts';
import { windowCheck } from './window-check.ts';

const IN_FLIGHT: readonly HostRun['state'][] = ['queued', 'running'];
const FAILED: readonly HostRun['state'][] = ['failed', 'smoke-failed', 'still-missing'];

/** How long a wave waits for its rescan before judging with what it has. */
const RESCAN_PATIENCE_MS = 30 * 60_000;

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

/**
 * May a new host start? Asked before every host is released, so a resume or a restart outside
 * the window pauses the change instead of starting hosts (running ones finish either way).
 */
const windowAllows = async (step: Step): Promise<boolean> => {
  const decision = windowCheck(step.deps.config, step.change, step.progress, step.now);
  if (decision.may) {
    // Running in this opening from now on (a resume starts counting here, not at its pause).
    step.progress.openingStart ??= decision.opening?.start ?? null;
    step.progress.waitingSince = null;
    return true;
  }
  await move(step, 'paused', { reason: decision.text });
  step.progress.pausedBy = 'window';
  step.progress.waitingSince = step.now;
  step.progress.openingStart = null;
  say(step, 'paused until its next window', decision.text);
  if (decision.nextOpening) step.effects.push({ kind: 'wake', at: decision.nextOpening.start });
  return false;
};

/** The next batch of the wave, if the window still allows a new host; otherwise the change pauses. */
const startNextBatch = async (step: Step, runs: readonly HostRun[]): Promise<boolean> => {
  const { progress, plan } = step;
  const wave = plan.waves[progress.wave]!;
  const started = new Set(runs.map((r) => r.batch));
  const next = wave.batches.findIndex((_, b) => !started.has(b));
  if (next < 0) return false;
  if (!(await windowAllows(step))) return true;
  const hosts = wave.batches[next]!;
  await step.tx.rollouts.queueRuns(step.change.id, progress.wave, next, hosts);
  step.effects.push({ kind: 'run', hosts: hosts.map((host) => ({ host, attempt: 0 })) });
  if (next === 0) say(step, `wave ${progress.wave + 1} of ${plan.waves.length} started`, `${wave.name}: ${plural(waveHosts(wave).length, 'host')} in ${plural(wave.batches.length, 'batch')}${wave.batches.length === 1 ? '' : 'es'} of at most ${wave.concurrency}.`);
  return true;
};

/** After the rescan: the findings, not exit codes, decide which hosts are patched. */
const verify = async (step: Step, runs: readonly HostRun[]): Promise<HostRun[]> => {
  const { tx, change, progress } = step;
  const rollback = change.parentId !== null;
  const dryRun = step.deps.config.execution.dryRun;
  const rescanned = new Set(progress.scanId ? (await tx.scans.results(progress.scanId)).filter((r) => r.outcome === 'ok').map((r) => r.host) : []);
  const verdicts: HostRun[] = [];
  for (const run of runs) {
    if (run.state !== 'applied') {
      verdicts.push(run);
      continue;
    }
    const findings = await tx.findings.byHost(run.host);
    const missing = findings.filter((f) => change.patches.includes(f.patchId) && NEEDS_PATCH.includes(f.state)).map((f) => f.patchId);
    // A dry run changes nothing, and a rollback means to bring the patches back: neither is judged
    // by the findings. Otherwise only a host the rescan reached can count as patched.
    const reached = dryRun || rescanned.has(run.host);
    const patched = dryRun || (reached && (rollback || missing.length === 0));
    const state = patched ? 'verified' : 'still-missing';
    const why = reached ? `still missing after the rescan: ${missing.join(', ')}` : 'the rescan did not reach it, so nothing shows it patched';
    await tx.rollouts.setRunState(change.id, run.host, 'applied', state, patched ? null : why);
    verdicts.push({ ...run, state });
  }
  return verdicts;
};

const finishWave = async (step: Step, runs: readonly HostRun[]) => {
  const { progress, plan } = step;
  const wave = plan.waves[progress.wave]!;
  const patched = runs.filter((r) => r.state === 'verified').length;
  const notNeeded = runs.filter((r) => r.state === 'not-needed').length;
  const failed = runs.filter((r) => FAILED.includes(r.state)).length;
  progress.phase = 'soaking';
  progress.soakUntil = new Date(step.now.getTime() + wave.soakMs);
  const last = progress.wave === plan.waves.length - 1;
  say(step, `wave ${progress.wave + 1} of ${plan.waves.length} done`, `${wave.name}: ${patched} patched${notNeeded ? `, ${notNeeded} did not need it` : ''}${failed ? `, ${failed} failed (budget ${wave.failureBudget})` : ''}.${wave.soakMs > 0 ? ` Soaking ${durationText(wave.soakMs)} before ${last ? 'completing' : 'the next wave'}.` : ''}`);
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
    // The original is rolled back only when every host that ran it is restored; otherwise it stays
    // halted, so the rest can still be rolled back (`rollback <change> <hosts>`).
    const parent = await step.tx.changes.getForUpdate(change.parentId);
    const ran = (await step.tx.rollouts.runs(change.parentId)).filter((r) => r.attempt > 0 && r.state !== 'not-needed').map((r) => r.host);
    const restored = new Set(runs.filter((r) => r.state === 'verified').map((r) => r.host));
    const left = ran.filter((host) => !restored.has(host));
    if (parent?.state === 'halted' && left.length === 0) await transitionChange(step.tx, parent, 'rolled-back', 'patchbot', step.now, { by: change.id });
    else if (parent?.state === 'halted') say(step, 'rolled back in part', `${parent.id} stays halted: not restored on ${left.join(', ')}. \`rollback ${parent.id} ${left.join(' ')}\` tries those again.`);
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
      const inFlight = runs.filter((r) => IN_FLIGHT.includes(r.state));
      if (inFlight.length) {
        const waiting = inFlight.filter((r) => r.state === 'queued');
        // Re-sent on every advance (keyed per minute, so a no-op unless a send was lost or the
        // change was paused meanwhile) — but only while the window still allows a new host.
        if (waiting.length && (await windowAllows(step))) step.effects.push({ kind: 'run', hosts: waiting.map((r) => ({ host: r.host, attempt: r.attempt })) });
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
      if (progress.scanId) {
        const scan = await tx.scans.progress(progress.scanId);
        // Lost to a crash before it was started: start it again (its id makes that idempotent).
        if (!scan) step.effects.push({ kind: 'rescan', scanId: progress.scanId, hosts: runs.filter((r) => r.state === 'applied').map((r) => r.host) });
        // A rescan whose host jobs were lost never finishes; after a while its unreached hosts count as not shown patched.
        if (!scan || (!scan.finishedAt && Date.now() - scan.startedAt.getTime() < RESCAN_PATIENCE_MS)) return;
      }
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
