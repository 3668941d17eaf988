import type { HostRun } from '../rollout-store.ts';

interface RecordedResult {
  recheck?: unknown;
  runs?: Array<{ steps?: Array<{ phase?: unknown; ok?: unknown }> }>;
}

/**
 * Did this host run the change, so that a rollback has something to undo there (README: "only on
 * hosts that ran the change")? Only when its apply got through a step (the first records the
 * versions a rollback restores; in a dry run, would have), or a worker that died had run it (the
 * recheck found it patched). A host that failed before that — unreachable, refused at connect, a
 * playbook it cannot take, the record refused — changed nothing: rolling it back fails ("no
 * record …/before") and keeps a backout that restored every changed host from counting as done.
 * A host still running may be applying right now: it counts.
 */
export const ranChange = (run: HostRun): boolean => {
  if (run.state === 'running') return true;
  if (run.attempt === 0 || run.state === 'not-needed') return false;
  const result = run.result as RecordedResult | null;
  if (result?.recheck) return true;
  const apply = Array.isArray(result?.runs) ? result.runs[0] : undefined;
  return Array.isArray(apply?.steps) && apply.steps.some((s) => s.phase === 'step' && s.ok === true);
};
