import type { HostRun } from '../rollout-store.ts';

/**
 * How a change ends once its last wave is through, from its host runs alone (issue #19: the
 * outcome is the truth about the hosts). `accepted` runs are failures someone chose to go past:
 * they no longer halt a wave, but the hosts were still not patched, so they count here.
 */
export const UNDONE: readonly HostRun['state'][] = ['failed', 'smoke-failed', 'still-missing', 'accepted'];
/** Hosts that did what the change asked (or, in a dry run, would have). */
export const DONE: readonly HostRun['state'][] = ['verified', 'applied', 'dry-run'];

export type EndVerdict = { state: 'completed'; failed: readonly HostRun[] } | { state: 'failed'; failed: readonly HostRun[]; reason: string };

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/**
 * A rollback restores every host it touches or it failed: its budget only keeps it going so the
 * other hosts are still restored. A rollout whose hosts all failed (none patched) failed; one
 * with failures inside its budget completes, and says how many hosts failed.
 */
export const endVerdict = (runs: readonly HostRun[], rollback: boolean): EndVerdict => {
  const failed = runs.filter((r) => UNDONE.includes(r.state));
  if (!failed.length) return { state: 'completed', failed };
  const done = runs.filter((r) => DONE.includes(r.state)).length;
  const hosts = failed.map((r) => r.host).join(', ');
  if (rollback) return { state: 'failed', failed, reason: `not restored on ${plural(failed.length, 'host')}: ${hosts}` };
  if (done === 0) return { state: 'failed', failed, reason: `no host was patched; ${plural(failed.length, 'host')} failed: ${hosts}` };
  return { state: 'completed', failed };
};

/** "completed with 2 failed hosts" wherever a completed change is shown. */
export const completedText = (failed: number): string => (failed ? `completed with ${plural(failed, 'failed host')}` : 'completed');
