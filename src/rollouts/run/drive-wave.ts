import { transitionChange } from '../../changes/transition.ts';
import { NEEDS_PATCH } from '../../discovery/patch.ts';
import type { HostRun } from '../rollout-store.ts';
import { appendWaveEvent } from '../../tickets/outbox-events.ts';
import { durationText } from '../time-text.ts';
import { waveHosts } from '../rollout-plan.ts';
import { halt, move, say, type Step } from './step.ts';
import { windowCheck } from './window-check.ts';
import { budgetVerdict, FAILED, nextWaveAction, type WindowClosed, type WindowOpen } from './wave-decision.ts';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The window said no to a new host: the change pauses and wakes at the next opening. */
const pauseForWindow = async (step: Step, decision: WindowClosed): Promise<void> => {
  await move(step, 'paused', { reason: decision.text });
  step.progress.pausedBy = 'window';
  step.progress.waitingSince = step.now;
  step.progress.openingStart = null;
  say(step, 'paused until its next window', decision.text);
  if (decision.nextOpening) step.effects.push({ kind: 'wake', at: decision.nextOpening.start });
};

/** The window allows a new host: the change runs in this opening from now on (a resume starts counting here, not at its pause). */
const enterOpening = (step: Step, decision: WindowOpen) => {
  step.progress.openingStart ??= decision.opening?.start ?? null;
  step.progress.waitingSince = null;
};

const startBatch = async (step: Step, batch: number, hosts: string[]) => {
  const { progress, plan } = step;
  const wave = plan.waves[progress.wave]!;
  await step.tx.rollouts.queueRuns(step.change.id, progress.wave, batch, hosts);
  step.effects.push({ kind: 'run', hosts: hosts.map((host) => ({ host, attempt: 0 })) });
  if (batch === 0) say(step, `wave ${progress.wave + 1} of ${plan.waves.length} started`, `${wave.name}: ${plural(waveHosts(wave).length, 'host')} in ${plural(wave.batches.length, 'batch', 'batches')} of at most ${wave.concurrency}.`);
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
    const all = await tx.rollouts.runs(change.id);
    const runs = all.filter((r) => r.wave === progress.wave);
    const scan = progress.phase === 'verifying' && progress.scanId ? await tx.scans.progress(progress.scanId) : undefined;
    const window = windowCheck(step.deps.config, change, progress, step.now);
    const action = nextWaveAction({ changeId: change.id, plan, progress, runs, scan, window, now: step.now });
    switch (action.kind) {
      case 'complete':
        return complete(step, all);
      case 'halt':
        return halt(step, action.reason, action.runs);
      case 'wait':
        return;
      case 'pause':
        return pauseForWindow(step, action.window);
      case 'resend':
        enterOpening(step, action.window);
        step.effects.push({ kind: 'run', hosts: action.hosts });
        return;
      case 'start-batch':
        enterOpening(step, action.window);
        return startBatch(step, action.batch, action.hosts);
      case 'rescan':
        progress.phase = 'verifying';
        progress.scanId = action.scanId;
        if (action.scanId) {
          step.effects.push({ kind: 'rescan', scanId: action.scanId, hosts: action.hosts });
          return;
        }
        continue;
      case 'restart-rescan':
        step.effects.push({ kind: 'rescan', scanId: action.scanId, hosts: action.hosts });
        return;
      case 'judge': {
        const verdicts = await verify(step, runs);
        const reason = budgetVerdict(plan.waves[progress.wave]!, verdicts);
        if (reason) return halt(step, reason, verdicts);
        await finishWave(step, verdicts);
        continue;
      }
      case 'next-wave':
        progress.wave += 1;
        progress.phase = 'running';
        progress.scanId = null;
        progress.soakUntil = null;
        continue;
    }
  }
};
