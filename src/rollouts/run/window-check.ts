import type { Change } from '../../changes/change.ts';
import type { Config } from '../../config/schema.ts';
import { NOW_WINDOW } from '../../config/schema-windows.ts';
import type { RolloutProgress } from '../rollout-store.ts';
import { type StartDecision, startDecision } from '../start-decision.ts';

/**
 * May the change start a host now? A change without a named window uses the first configured
 * one; with no windows configured at all, only `now` changes run (and the answer says so).
 */
export const windowCheck = (config: Config, change: Change, progress: RolloutProgress, now: Date): StartDecision => {
  const name = change.window ?? Object.keys(config.windows)[0];
  if (name === undefined) {
    return { may: false, reason: 'outside-window', nextOpening: null, text: 'No maintenance window is configured; add one under `windows`, or propose the change `at now`.' };
  }
  const window = name === NOW_WINDOW ? NOW_WINDOW : config.windows[name];
  if (window === undefined) {
    return { may: false, reason: 'outside-window', nextOpening: null, text: `Window ${name} is no longer in the config; cancel the change and propose it again in another window.` };
  }
  return startDecision({
    window,
    windowName: name,
    blackouts: config.blackouts,
    now,
    emergency: change.class === 'emergency',
    requester: change.requester,
    ...(change.parentId ? { rollbackOf: change.parentId } : {}),
    ...(progress.waitingSince ? { waitingSince: progress.waitingSince } : {}),
    ...(progress.openingStart && progress.pausedBy === null ? { runningInOpening: progress.openingStart } : {}),
  });
};
