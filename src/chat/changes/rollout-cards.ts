import type { Change } from '../../changes/change.ts';
import { completedText, UNDONE } from '../../rollouts/run/end-decision.ts';
import type { HostRun } from '../../rollouts/rollout-store.ts';
import { dryRunText } from '../../rollouts/dry-run-commands.ts';
import { CARD_LIMITS, type Card, type CardAction, capList, clip } from '../card.ts';
import { hostText } from '../../shared/host-text.ts';

const flag = (change: Change) => (change.class === 'emergency' ? '🚨 EMERGENCY ' : '');
const thread = (change: Change) => `change:${change.id}`;

/** A short status in the change's thread: waiting for a window, wave started, wave done. */
export const statusCard = (change: Change, title: string, text: string): Card => ({
  title: clip(`${flag(change)}${change.id}: ${title}`, CARD_LIMITS.titleChars),
  text: clip(text, CARD_LIMITS.sectionChars),
  threadKey: thread(change),
});

const hostLine = (run: HostRun) => `${run.host}: ${run.state}${run.error ? ` — ${hostText(clip(run.error, 200))}` : ''}`;

/**
 * The halt: what failed and the three ways on, as buttons (and as text commands for surfaces
 * without buttons). Roll back and Abort ask for confirmation: both end the change.
 */
export const haltCard = (change: Change, reason: string, failed: readonly HostRun[]): Card => {
  const actions: CardAction[] = [
    { id: 'change.resume', label: 'Resume', style: 'primary', value: change.id },
    {
      id: 'change.rollback',
      label: 'Roll back',
      style: 'danger',
      value: change.id,
      confirm: {
        title: clip(`Roll back ${change.id}?`, CARD_LIMITS.confirmTitle),
        text: 'Hosts that applied the change are restored to their recorded versions, then rescanned.',
        confirm: 'Roll back',
        deny: 'Cancel',
      },
    },
    {
      id: 'change.abort',
      label: 'Abort',
      style: 'default',
      value: change.id,
      confirm: {
        title: clip(`Abort ${change.id}?`, CARD_LIMITS.confirmTitle),
        text: 'No further host is patched; hosts already patched stay as they are.',
        confirm: 'Abort',
        deny: 'Cancel',
      },
    },
  ];
  return {
    title: clip(`${flag(change)}${change.id} halted`, CARD_LIMITS.titleChars),
    text: clip(`${reason}\nNo new host starts until someone decides. Text: \`resume ${change.id}\`, \`rollback ${change.id}\`, \`cancel ${change.id}\`.`, CARD_LIMITS.sectionChars),
    ...(failed.length ? { lists: [{ heading: 'Failed hosts', items: capList(failed.map(hostLine), CARD_LIMITS.listItems, `\`show ${change.id}\` for every host`) }] } : {}),
    actions,
    threadKey: thread(change),
  };
};

/** A one-line progress summary for the approval card's Progress field. */
/** How many of a change's host runs are in each state (RolloutRepository.stateCounts). */
export type RunCounts = Partial<Record<HostRun['state'], number>>;

const counted = (counts: RunCounts, states: readonly HostRun['state'][]): number => states.reduce((sum, state) => sum + (counts[state] ?? 0), 0);

export const progressLine = (counts: RunCounts, total: number, wave: { index: number; count: number; name: string } | null): string => {
  const done = counted(counts, ['verified', 'applied', 'not-needed', 'dry-run']);
  const dry = counted(counts, ['dry-run']);
  const failed = counted(counts, UNDONE);
  const running = counted(counts, ['running']);
  const parts = [`${done} of ${total} hosts done`, ...(dry ? [`${dry} would patch (dry run)`] : []), ...(running ? [`${running} running`] : []), ...(failed ? [`${failed} failed`] : [])];
  return `${wave ? `Wave ${wave.index + 1} of ${wave.count} (${wave.name}): ` : ''}${parts.join(', ')}`;
};

/** A change's runs counted per state, as stateCounts reads them in the store. */
export const runCounts = (runs: readonly HostRun[]): RunCounts => {
  const counts: RunCounts = {};
  for (const r of runs) counts[r.state] = (counts[r.state] ?? 0) + 1;
  return counts;
};

/**
 * Whether stateText needs the change's runs themselves, not only their counts: a dry run is told
 * from what each run recorded (dryRunText), and only a change with a host that ran dry or failed
 * (a failed host may have run dry) can have one. A card is redrawn at every vote and move, so it
 * reads the runs only then.
 */
export const stateNeedsRuns = (counts: RunCounts): boolean => counted(counts, ['dry-run', ...UNDONE]) > 0;

/**
 * The change's state as people should read it, on its card and in the `changes` list alike:
 * failures and dry runs are said where the state is shown (issue #19, #15). `runs`: the change's
 * runs when stateNeedsRuns(counts), else none are needed.
 */
export const stateText = (change: Change, counts: RunCounts, runs: readonly HostRun[]): string => {
  const failed = counted(counts, UNDONE);
  const base = change.state === 'completed' ? completedText(failed) : change.state === 'failed' && failed ? `failed (${failed} host${failed === 1 ? '' : 's'} failed)` : change.state;
  const dry = dryRunText(runs, change.parentId === null ? 'patched' : 'restored');
  return dry ? `${base} (${dry})` : base;
};
