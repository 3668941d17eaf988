import type { Change } from '../../changes/change.ts';
import { transitionChange } from '../../changes/transition.ts';
import type { HostRun } from '../rollout-store.ts';
import { appendWaveEvent } from '../../tickets/outbox-events.ts';
import { durationText } from '../time-text.ts';
import { waveHosts } from '../rollout-plan.ts';
import { halt, move, say, type Step } from './step.ts';
import { windowCheck } from './window-check.ts';
import { ranChange } from './ran-change.ts';
import { dryRunCommandsOf, ranDry, ranForReal } from '../dry-run-commands.ts';
import { completedText, endVerdict, UNDONE } from './end-decision.ts';
import { budgetVerdict, FAILED, nextWaveAction, type WindowClosed, type WindowOpen } from './wave-decision.ts';
import { hostText } from '../../shared/host-text.ts';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The window said no to a new host: the change pauses and wakes at the next opening. */
const pauseForWindow = async (step: Step, decision: WindowClosed): Promise<void> => {
  await move(step, 'paused', { reason: decision.text });
  step.progress.pausedBy = 'window';
  step.progress.waitingSince = step.now;
  step.progress.openingStart = null;
  // A window's text names the requester of an immediate start (start-decision.ts): host text in the card.
  say(step, 'paused until its next window', hostText(decision.text));
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
  if (batch === 0)
    say(
      step,
      `wave ${progress.wave + 1} of ${plan.waves.length} started`,
      `${wave.name}: ${plural(waveHosts(wave).length, 'host')} in ${plural(wave.batches.length, 'batch', 'batches')} of at most ${wave.concurrency}.`,
    );
};

/**
 * After the rescan: the findings, not exit codes, decide which hosts are patched. One read of
 * what the wave's hosts still need of the change's patches and one write of the verdicts: a
 * statement per host each was 100,000 of them in the transaction of a wave that size.
 */
const verify = async (step: Step, runs: readonly HostRun[]): Promise<HostRun[]> => {
  const { tx, change, progress } = step;
  const rollback = change.parentId !== null;
  const rescanned = new Set(progress.scanId ? (await tx.scans.results(progress.scanId)).filter((r) => r.outcome === 'ok').map((r) => r.host) : []);
  const judged = runs.filter((r) => r.state === 'applied' && !ranDry(r)).map((r) => r.host);
  const needing = await tx.findings.needing(judged, change.patches);
  const verdicts: HostRun[] = [];
  const moves: Array<{ host: string; to: HostRun['state']; error: string | null }> = [];
  for (const run of runs) {
    if (run.state !== 'applied') {
      verdicts.push(run);
      continue;
    }
    // A dry run changed nothing: the host would have been patched, and is never called verified.
    if (ranDry(run)) {
      moves.push({ host: run.host, to: 'dry-run', error: null });
      verdicts.push({ ...run, state: 'dry-run' });
      continue;
    }
    const missing = needing.get(run.host) ?? [];
    // A rollback means to bring the patches back: it is not judged by the findings. Otherwise
    // only a host the rescan reached can count as patched.
    const reached = rescanned.has(run.host);
    const patched = reached && (rollback || missing.length === 0);
    const state = patched ? 'verified' : 'still-missing';
    const why = reached ? `still missing after the rescan: ${missing.join(', ')}` : 'the rescan did not reach it, so nothing shows it patched';
    moves.push({ host: run.host, to: state, error: patched ? null : why });
    verdicts.push({ ...run, state });
  }
  await tx.rollouts.setRunStates(change.id, 'applied', moves);
  return verdicts;
};

/** "2 patched, 1 would patch (dry run), 1 did not need it, 1 failed (budget 1)": counts from the runs. */
const countsText = (runs: readonly HostRun[], rollback: boolean, budget: number | null): string => {
  const count = (states: readonly HostRun['state'][]) => runs.filter((r) => states.includes(r.state)).length;
  const [done, dry, notNeeded, failed] = [count(['verified']), count(['dry-run']), count(['not-needed']), count(FAILED)];
  const parts = [
    ...(done || !dry ? [`${done} ${rollback ? 'rolled back' : 'patched'}`] : []),
    ...(dry ? [`${dry} would ${rollback ? 'roll back' : 'patch'} (dry run)`] : []),
    ...(notNeeded ? [`${notNeeded} did not need it`] : []),
    ...(failed ? [`${failed} failed${budget === null ? '' : ` (budget ${budget})`}`] : []),
  ];
  return parts.join(', ');
};

/** "web-01: apply-debian-packages: upgrade exited 100" for each host that did not get there. */
const failureLines = (runs: readonly HostRun[]) =>
  runs.filter((r) => UNDONE.includes(r.state)).map((r) => `${r.host} (${r.state === 'accepted' ? 'failed, went on past it' : r.state})${r.error ? `: ${hostText(r.error)}` : ''}`);

/**
 * Said of the hosts it is true of. A change switched to dry run part-way (an operator stopping it)
 * changed its first hosts for real: "nothing was changed on the hosts" would be untrue of them.
 */
const dryNote = (runs: readonly HostRun[]): string => {
  if (!runs.some((r) => r.state === 'dry-run')) return '';
  return runs.some(ranForReal) ? ' Dry run for the hosts that only printed their commands: nothing was changed on them.' : ' Dry run: nothing was changed on the hosts.';
};

const finishWave = async (step: Step, runs: readonly HostRun[]) => {
  const { progress, plan } = step;
  const wave = plan.waves[progress.wave]!;
  progress.phase = 'soaking';
  progress.soakUntil = new Date(step.now.getTime() + wave.soakMs);
  const last = progress.wave === plan.waves.length - 1;
  const failures = failureLines(runs);
  const dry = dryNote(runs);
  say(
    step,
    `wave ${progress.wave + 1} of ${plan.waves.length} done`,
    `${wave.name}: ${countsText(runs, step.change.parentId !== null, wave.failureBudget)}.${failures.length ? `\nFailed: ${failures.join('; ')}` : ''}${dry}${wave.soakMs > 0 ? ` Soaking ${durationText(wave.soakMs)} before ${last ? 'completing' : 'the next wave'}.` : ''}`,
  );
  const commands = dryRunCommandsOf(runs);
  if (commands.length) step.effects.push({ kind: 'dry-run', change: step.change, title: `wave ${progress.wave + 1} of ${plan.waves.length}: commands (dry run)`, hosts: commands });
  if (wave.soakMs > 0) step.effects.push({ kind: 'wake', at: progress.soakUntil });
  // Ticket sync (DESIGN §6): a work note per wave, in the rollout's transaction.
  await appendWaveEvent(step.tx, step.change, progress.wave + 1, plan.waves.length, runs, step.now);
};

/** Parents a rollback can settle: the states `rollback` accepts (control.ts), not the ones it halts first. */
const SETTLES: readonly Change['state'][] = ['halted', 'completed', 'cancelled', 'failed'];

/**
 * The parent of a rollback is rolled back only when every host that ran it is restored, whatever
 * state it ended in: a completed change whose every host was put back is no longer the truth about
 * its hosts (#19), so it becomes `rolled-back` too, its ticket closed backed out and its card redrawn.
 * A dry-run rollback restored nothing: the parent stays as it is, and the thread says what it would have done.
 */
const settleParent = async (step: Step, runs: readonly HostRun[]) => {
  const { change } = step;
  // Otherwise it stays as it was, so the rest can still be rolled back (`rollback <change> <hosts>`).
  const parent = await step.tx.changes.getForUpdate(change.parentId!);
  if (!parent || !SETTLES.includes(parent.state)) return;
  // Judged by what the runs recorded, not by the config now: a restore that ran for real is settled as one.
  if (runs.some((r) => r.state === 'dry-run') && !runs.some(ranForReal)) {
    const would = runs.filter((r) => r.state === 'dry-run').map((r) => r.host);
    say(
      step,
      'would restore (dry run)',
      `${change.id} would restore ${would.length ? would.join(', ') : 'no host'} (dry run): nothing was changed on the hosts, and ${parent.id} stays ${parent.state}.`,
    );
    step.effects.push({ kind: 'refresh', changeId: parent.id });
    return;
  }
  const ran = (await step.tx.rollouts.runs(parent.id)).filter(ranChange).map((r) => r.host);
  // Earlier rollbacks of it count too: `rollback <change> <hosts>` after a partial one finishes the job.
  const earlier = (await step.tx.changes.list({ states: ['completed', 'failed'], limit: 100_000 })).filter((c) => c.parentId === parent.id && c.id !== change.id);
  const all = [...runs, ...(await Promise.all(earlier.map((c) => step.tx.rollouts.runs(c.id)))).flat()];
  const restored = new Set(all.filter((r) => r.state === 'verified').map((r) => r.host));
  const left = ran.filter((host) => !restored.has(host));
  if (left.length === 0) {
    await transitionChange(step.tx, parent, 'rolled-back', 'patchbot', step.now, { by: change.id });
    step.effects.push({ kind: 'status', change: { ...parent, state: 'rolled-back' }, title: 'rolled back', text: `${change.id} restored every host that ran ${parent.id}.` });
  } else {
    say(step, 'rolled back in part', `${parent.id} stays ${parent.state}: not restored on ${left.join(', ')}. \`rollback ${parent.id} ${left.join(' ')}\` tries those again.`);
  }
  // The parent's card is its one live view: it shows the rollback's outcome too.
  step.effects.push({ kind: 'refresh', changeId: parent.id });
};

/**
 * The last wave is through: the host runs say how the change ends (end-decision.ts). Host runs
 * that failed never leave a change `completed` without saying so, and one that restored or
 * patched nothing is `failed`, its ticket closed unsuccessful.
 */
const complete = async (step: Step, runs: readonly HostRun[]) => {
  const { change } = step;
  const rollback = change.parentId !== null;
  const verdict = endVerdict(runs, rollback);
  const counts = `${countsText(runs, rollback, null)} of ${runs.length} host${runs.length === 1 ? '' : 's'}`;
  const failures = failureLines(runs);
  const dry = dryNote(runs);
  const detail = `${failures.length ? `\nFailed: ${failures.join('; ')}` : ''}${dry}`;
  step.progress.phase = 'done';
  if (verdict.state === 'failed') {
    await move(step, 'failed', { reason: verdict.reason });
    say(step, 'failed', `${rollback ? 'The rollback failed' : 'The change failed'}: ${verdict.reason}. ${counts}.${detail}`);
  } else {
    await move(step, 'completed', { failedHosts: verdict.failed.map((r) => r.host) });
    say(step, completedText(verdict.failed.length), `${counts}.${detail}`);
  }
  if (rollback) await settleParent(step, runs);
};

/** One step of a running change: next batch, rescan, verdicts, soak, next wave, completion. */
export const driveWave = async (step: Step): Promise<void> => {
  const { progress, plan, change, tx } = step;
  for (;;) {
    const all = await tx.rollouts.runs(change.id);
    const runs = all.filter((r) => r.wave === progress.wave);
    const scan = progress.phase === 'verifying' && progress.scanId ? await tx.scans.progress(progress.scanId) : undefined;
    const window = windowCheck(step.deps.config, change, progress, step.now);
    // No rescan could show anything when every host that applied only printed its commands.
    const applied = runs.filter((r) => r.state === 'applied');
    const dryRun = applied.length > 0 && applied.every(ranDry);
    const action = nextWaveAction({ changeId: change.id, plan, progress, runs, scan, window, now: step.now, dryRun });
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
