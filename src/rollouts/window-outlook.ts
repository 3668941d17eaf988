/**
 * When a change will run, in words people read on a card, a digest choice and a ticket: the real
 * window and its next opening (blackouts taken into account), or an immediate start and who asked
 * for it. Pure: config and the clock in, text out.
 */
import type { Change } from '../changes/change.ts';
import type { Blackout, WindowsConfig } from '../config/schema-windows.ts';
import { NOW_WINDOW } from '../config/schema-windows.ts';
import { blackoutEnd, blackoutName, immediateText } from './now-decision.ts';
import { blackoutAt, nextOpenInterval, openIntervalAt } from './open-intervals.ts';
import { durationText, whenText } from './time-text.ts';

/** The part of the config that says when work may happen. */
export interface WindowSchedule {
  windows: WindowsConfig;
  blackouts: readonly Blackout[];
}

/** "open now until Tue 8 Dec 2026 02:00 UTC", "next opens Mon 7 Dec 2026 22:00 UTC for 4h", or why it never does. */
export const openingText = (schedule: WindowSchedule, name: string, now: Date): string => {
  const window = schedule.windows[name];
  if (!window) return 'no longer in the config';
  const open = openIntervalAt(window, schedule.blackouts, now);
  if (open) return `open now until ${whenText(open.end, window.timezone)}`;
  const next = nextOpenInterval(window, schedule.blackouts, now);
  return next ? `next opens ${whenText(next.start, window.timezone)} for ${durationText(next.end.getTime() - next.start.getTime())}` : 'never opens again';
};

/** An immediate start in words: the emergency override, or who asked and what blackout it waits for. */
export const nowText = (schedule: WindowSchedule, change: Pick<Change, 'class' | 'requester'> & { parentId?: string | null }, now: Date): string => {
  const emergency = change.class === 'emergency';
  const label = immediateText(emergency, change.requester, change.parentId ?? undefined);
  if (change.parentId) return `${label}: at once, over any blackout (a rollback restores)`;
  if (emergency) return `${label}: as soon as approved, over any blackout`;
  const blackout = blackoutAt(schedule.blackouts, now);
  if (!blackout) return `${label}: as soon as approved, outside blackouts`;
  return `${label}: blackout ${blackoutName(blackout)} is in force, so it starts ${whenText(blackoutEnd(schedule.blackouts, now), 'UTC')} at the earliest`;
};

/** The card's *When*: the real window and its next opening, or the immediate start. */
export const changeWhen = (schedule: WindowSchedule, change: Pick<Change, 'class' | 'requester' | 'window'> & { parentId?: string | null }, now: Date): string => {
  if (change.window === NOW_WINDOW) return nowText(schedule, change, now);
  if (change.window === null) return 'no maintenance window is configured: it cannot start until one is added under `windows`';
  return `window ${change.window}: ${openingText(schedule, change.window, now)}`;
};
