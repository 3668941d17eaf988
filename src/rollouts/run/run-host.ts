import { StoreUnavailableError } from '../../shared/store-errors.ts';
import type { Change } from '../../changes/change.ts';
import { scanHost } from '../../discovery/scan-host.ts';
import type { Host } from '../../inventory/host.ts';
import { playbookFor, rollbackFor, getPlaybook } from '../../playbooks/catalog.ts';
import { type PlaybookRun, runPlaybook } from '../../playbooks/run-playbook.ts';
import { changeLogger, hostLogger, type Logger } from '../../shared/logger.ts';
import { scrubSecrets } from '../../shared/scrub-secrets.ts';
import { oneLine } from '../../shared/control-chars.ts';
import type { HostRunState } from '../rollout-store.ts';
import { RolloutPlan } from '../rollout-plan.ts';
import type { ParamValues } from '../../playbooks/render.ts';
import { recordedParams } from '../playbook-fit.ts';
import { applyParams, rollbackParams } from './host-params.ts';
import { stillNeeded } from './still-needed.ts';
import { ADVANCE_QUEUE, clockOf, DEFAULT_LEASE_MS, type HostRunJob, type RolloutDeps } from './rollout-deps.ts';
import { holdLease, staleBefore } from './host-lease.ts';
import { recordStopped } from './stopped-run.ts';
import { whileStoreAway } from './store-retry.ts';

/** Between tries to record an outcome while the store is away. */
const RECORD_PAUSE_MS = 2_000;

interface Outcome {
  state: HostRunState;
  runs: PlaybookRun[];
  error: string | null;
  recheck?: string;
  /** What the apply (or rollback) playbook ran with: a rollback of this host starts from it. */
  params?: ParamValues;
}

/** The params the apply ran with on `host`, as its run recorded them (null: not recorded). */
const appliedParams = async (deps: RolloutDeps, parentId: string, host: string): Promise<ParamValues | null> => recordedParams((await deps.store.rollouts.run(parentId, host)) ?? undefined);

const missingOn = async (deps: RolloutDeps, change: Change, host: string): Promise<string[]> => stillNeeded(change.patches, await deps.store.findings.byHost(host));

/** A run left behind by a dead worker: the host is scanned first, so a finished upgrade is not redone. */
const recheck = async (deps: RolloutDeps, change: Change, host: Host, attempt: number): Promise<string[]> => {
  const scanId = `recheck-${change.id}-${host.name}-${attempt}`;
  await deps.store.scans.start(scanId, `rollout:${change.id}`, [host.name], clockOf(deps)());
  await scanHost(deps.scan, { scanId, host: host.name });
  return missingOn(deps, change, host.name);
};

/** `applied` of the runs were the change itself; the rest were smoke checks of the wave. */
const verdict = (runs: PlaybookRun[], applied: number): Outcome => {
  const index = runs.findIndex((r) => !r.ok);
  if (index < 0) return { state: 'applied', runs, error: null };
  const failed = runs[index]!;
  const step = [...failed.steps, ...failed.smoke].find((s) => !s.ok);
  // The apply playbooks say "approved X, the host's repositories now offer Y" when what was approved
  // is no longer what the host would install: that sentence, first, is what the thread must show.
  const stderr = (step?.stderrTail ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const superseded = stderr.filter((line) => line.startsWith('approved '));
  const where = step ? `${failed.playbook}: ${step.name} ${step.error ?? `exited ${step.exitCode}`}` : `${failed.playbook} failed`;
  // Otherwise the step's last complaint says why ("refusing …/before: mode 666 lets others write to it"): an exit code alone does not (#19).
  const last = stderr.at(-1);
  const why = superseded.length ? `${superseded.join('; ')} (${where})` : last ? `${where}: ${last.slice(0, 200)}` : where;
  return { state: failed.smokeFailed || index >= applied ? 'smoke-failed' : 'failed', runs, error: why };
};

/** The wave's own smoke checks (beyond the playbook's), in order, up to the first failure. */
const waveSmoke = async (deps: RolloutDeps, change: Change, host: Host, log: Logger, signal: AbortSignal): Promise<PlaybookRun[]> => {
  const plan = RolloutPlan.safeParse(change.plan);
  // This host's run only: every host job reading every run of its change was quadratic in the change's size.
  const run = await deps.store.rollouts.run(change.id, host.name);
  const wave = plan.success && run ? plan.data.waves[run.wave] : undefined;
  const runs: PlaybookRun[] = [];
  for (const check of wave?.smoke ?? []) {
    const smoke = await runPlaybook({
      executor: deps.executor,
      host,
      playbook: getPlaybook(deps.catalog, check.playbook),
      params: check.params,
      dryRun: deps.config.execution.dryRun,
      log,
      signal,
    });
    runs.push(smoke);
    if (!smoke.ok) break;
  }
  return runs;
};

const applyOn = async (deps: RolloutDeps, change: Change, host: Host, recovered: boolean, attempt: number, signal: AbortSignal): Promise<Outcome> => {
  const log = hostLogger(changeLogger(deps.log, change.id), host.name);
  const rollback = change.parentId !== null;
  const missing = rollback ? change.patches : recovered ? await recheck(deps, change, host, attempt) : await missingOn(deps, change, host.name);
  if (!rollback && missing.length === 0) {
    if (!recovered) return { state: 'not-needed', runs: [], error: null };
    // Patched before its worker died: not patched again, but its smoke checks may not have run.
    return { ...verdict(await waveSmoke(deps, change, host, log, signal), 0), recheck: 'rescanned after its worker stopped: already patched, not run again' };
  }
  const dryRun = deps.config.execution.dryRun;
  const apply = playbookFor(deps.catalog, 'apply', host.os);
  let run: PlaybookRun;
  let params: ParamValues;
  if (rollback) {
    const playbook = rollbackFor(deps.catalog, apply);
    params = rollbackParams(playbook, host.os, change.parentId!, change.patches, await appliedParams(deps, change.parentId!, host.name));
    run = await runPlaybook({ executor: deps.executor, host, playbook, params, dryRun, log, signal });
  } else {
    const values = applyParams(host.os, missing, change.id);
    // Needed but not in a form the os's playbook takes (a plain rpm update without an advisory):
    // a failure to look at, never a silent "not needed" that would count as patched.
    if (!values) return { state: 'failed', runs: [], error: `${apply.name} cannot apply ${missing.join(', ')} (it takes ${Object.keys(apply.params).join(', ')})` };
    params = values;
    run = await runPlaybook({ executor: deps.executor, host, playbook: apply, params, dryRun, log, signal });
  }
  // Smoke checks of the wave run only on a host that got through.
  return { ...verdict(run.ok ? [run, ...(await waveSmoke(deps, change, host, log, signal))] : [run], 1), params };
};

/** Keeps a compact record: per step its exit code, duration and output tails. */
const summary = (outcome: Outcome) => ({
  ...(outcome.recheck ? { recheck: outcome.recheck } : {}),
  ...(outcome.params ? { params: outcome.params } : {}),
  runs: outcome.runs.map((r) => ({
    playbook: r.playbook,
    ok: r.ok,
    dryRun: r.dryRun,
    rebooted: r.rebooted,
    steps: [...r.steps, ...r.smoke].map((s) => ({
      phase: s.phase,
      name: s.name,
      ok: s.ok,
      exitCode: s.exitCode,
      durationMs: s.durationMs,
      stdoutTail: s.stdoutTail,
      stderrTail: s.stderrTail,
      ...(s.skipped ? { skipped: s.skipped } : {}),
      ...(s.error ? { error: s.error } : {}),
    })),
  })),
});

/**
 * The `rollout.host` job: one host of one change, exactly once. The run is claimed in the store
 * (a second worker or replica gets nothing), held by a renewed lease while it runs, and its
 * outcome recorded before the change is advanced. A run whose lease is lost stops its playbook
 * (killing the command on the host) well before another worker may take it over.
 */
export const runHostJob = async (deps: RolloutDeps, job: HostRunJob): Promise<void> => {
  const now = clockOf(deps);
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  // Halted, paused or cancelled since the job was sent: the host stays queued for a resume. The
  // claim checks again in the same statement, and also waits while another change (the change a
  // rollback undoes, still finishing on this host) holds the host: the next advance re-sends it.
  if ((await deps.store.changes.get(job.changeId))?.state !== 'running') return;
  const leaseUntil = new Date(now().getTime() + leaseMs);
  const claimed = await deps.store.rollouts.claimRun(job.changeId, job.host, leaseUntil, now(), staleBefore(now(), leaseMs));
  if (!claimed) return;
  const { attempt } = claimed.run;
  const log = hostLogger(changeLogger(deps.log, job.changeId), job.host);
  // Nothing runs twice: the playbook stops once the run may no longer be ours (host-lease.ts).
  const lease = holdLease(deps.store, { changeId: job.changeId, host: job.host, attempt, leaseUntil, leaseMs, now, log });
  let outcome: Outcome;
  let threw = false;
  try {
    const [change, host] = await Promise.all([deps.store.changes.get(job.changeId), deps.store.hosts.get(job.host)]);
    if (!change || !host) outcome = { state: 'failed', runs: [], error: host ? 'the change is gone' : `${job.host} is no longer in the inventory` };
    else outcome = await applyOn(deps, change, host, claimed.recovered, attempt, lease.signal);
  } catch (error) {
    // The database away is not the host's fault: the job is retried once it is back (the lease
    // lets the retry take the run over), instead of recording a failure that never happened.
    if (error instanceof StoreUnavailableError && !lease.lost) throw error;
    // Unreachable, auth, a refused parameter: the host failed, the change decides what that means.
    outcome = { state: 'failed', runs: [], error: (error as Error).message };
    threw = true;
  } finally {
    lease.release();
  }
  // Stopped part-way (or taken over): not ours to record. The run row belongs to whoever takes it
  // over, and that attempt rescans the host first. A run that ended before its lease lapsed is
  // recorded as usual: finishRun is fenced by the attempt.
  if (lease.lost && (lease.takenOver || threw || outcome.runs.some((r) => r.stopped))) {
    return recordStopped(deps, { ...job, attempt, why: lease.lost, runs: outcome.runs }, log);
  }
  // Stored, shown in the thread and the audit log: an SSH or playbook error may quote a secret,
  // and quotes what the host printed, whose escapes and text-direction overrides are removed as a scan's are.
  if (outcome.error) outcome.error = oneLine(scrubSecrets(outcome.error));
  const { state, error } = outcome;
  // The outcome is real: a short outage does not lose it (and with it a lease and a half of waiting for a takeover).
  const retry = { tries: Math.max(3, Math.ceil(leaseMs / RECORD_PAUSE_MS)), pauseMs: RECORD_PAUSE_MS };
  const recorded = await whileStoreAway(() => deps.store.rollouts.finishRun(job.changeId, job.host, { attempt, state, result: summary(outcome), error, at: now() }), retry);
  if (!recorded) return;
  const event = { actor: 'patchbot', action: `host.${state}`, subject: job.changeId, data: { host: job.host, attempt, ...(error ? { error } : {}) } };
  await whileStoreAway(() => deps.store.audit.append(event), retry);
  await whileStoreAway(() => deps.queue.send(ADVANCE_QUEUE, { changeId: job.changeId }, { key: `advance:${job.changeId}:${job.host}:${attempt}` }), retry);
};
