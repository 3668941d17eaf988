import type { HostRun } from './rollout-store.ts';
import { ranChange } from './run/ran-change.ts';

/** What one host would have run under execution.dryRun, in order: the playbook's steps as rendered. */
export interface DryRunCommands {
  host: string;
  playbook: string;
  commands: string[];
}

interface RecordedStep {
  skipped?: unknown;
}
interface RecordedRun {
  playbook?: unknown;
  dryRun?: unknown;
  steps?: unknown;
}

/**
 * The exact commands of a host run recorded in dry run: its steps' `would run: <command>` records
 * (run-playbook.ts), the playbook's own smoke steps included, and `would reboot…` for reboot steps.
 * Read-only playbooks (the wave's smoke checks, scans) really ran, so they are not listed. Null
 * when the run was not a dry run.
 */
export const dryRunCommands = (run: HostRun): DryRunCommands | null => {
  const runs = (run.result as { runs?: unknown } | null)?.runs;
  if (!Array.isArray(runs)) return null;
  const dry = (runs as RecordedRun[]).find(
    (r) => r?.dryRun === true && Array.isArray(r.steps) && (r.steps as RecordedStep[]).some((s) => typeof s?.skipped === 'string' && s.skipped.startsWith('would ')),
  );
  if (!dry) return null;
  const commands = (dry.steps as RecordedStep[]).flatMap((s) => (typeof s?.skipped === 'string' && s.skipped.startsWith('would ') ? [s.skipped.replace(/^would run: /, '')] : []));
  return { host: run.host, playbook: String(dry.playbook), commands };
};

export const dryRunCommandsOf = (runs: readonly HostRun[]): DryRunCommands[] => runs.flatMap((r) => dryRunCommands(r) ?? []);

/**
 * Whether the host run only printed its commands: what its run recorded under execution.dryRun,
 * not what the config says now. An operator who switches dryRun on and restarts to stop a change
 * has hosts that were patched for real; they are judged by their rescan like any other.
 */
export const ranDry = (run: HostRun): boolean => dryRunCommands(run) !== null;

/** The host run changed its host for real: it got through a step that was not only printed. */
export const ranForReal = (run: HostRun): boolean => ranChange(run) && !ranDry(run);

/** No host of the change was changed, and some only printed their commands: nothing was implemented. */
export const onlyDryRun = (runs: readonly HostRun[]): boolean => runs.some(ranDry) && !runs.some(ranForReal);

const REAL_DONE: readonly HostRun['state'][] = ['verified', 'applied'];

/**
 * What a change's dry run is called wherever its state is shown (its card's State, the `changes`
 * list), so the two never differ: '' when no host ran dry; "dry run" when nothing was changed on
 * any host; otherwise (dryRun switched on part-way) how many hosts were really patched and how many
 * only printed their commands, since "dry run" alone would be untrue of the patched ones. A host
 * still running is left out until it has recorded which it was.
 */
export const dryRunText = (runs: readonly HostRun[], done: 'patched' | 'restored'): string => {
  const finished = runs.filter((r) => r.state !== 'running');
  const dry = finished.filter(ranDry).length;
  if (dry === 0) return '';
  if (onlyDryRun(finished)) return 'dry run';
  const real = finished.filter((r) => REAL_DONE.includes(r.state) && !ranDry(r)).length;
  return `${real} host${real === 1 ? '' : 's'} ${done}, ${dry} ran dry`;
};
