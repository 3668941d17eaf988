/**
 * Openings of a maintenance window: a cron start (in the window's zone) plus a duration. Pure and
 * clock-free: every function takes the instant it reasons about.
 *
 * A duration is elapsed time, not wall time: a 4h window opening at 22:00 on a fall-back night
 * closes at 01:00 local, after four real hours. DST cases of the start itself: see zoned-time.ts.
 */
import type { MaintenanceWindow, WindowsConfig } from '../config/schema-windows.ts';
import { NOW_WINDOW } from '../config/schema-windows.ts';
import { closestMatches } from '../shared/closest-matches.ts';
import { NotFoundError } from '../shared/errors.ts';
import { lastFiring, nextFiring } from './cron-occurrences.ts';

/** A half-open period [start, end). */
export interface Span {
  start: Date;
  end: Date;
}

/** A configured window, or `now`: the always-open window of emergency changes. */
export type WindowSpec = MaintenanceWindow | typeof NOW_WINDOW;

const spanFrom = (window: MaintenanceWindow, start: number): Span => ({ start: new Date(start), end: new Date(start + window.duration) });

/** The opening that contains `at` (start ≤ at < end), or null. Overlapping openings: the latest. */
export const openingAt = (window: MaintenanceWindow, at: Date): Span | null => {
  const start = lastFiring(window.cron, window.timezone, at.getTime(), at.getTime() - window.duration + 1);
  return start === null ? null : spanFrom(window, start);
};

/** The first opening that starts strictly after `after`, or null if the cron never fires again. */
export const nextOpening = (window: MaintenanceWindow, after: Date): Span | null => {
  const start = nextFiring(window.cron, window.timezone, after.getTime());
  return start === null ? null : spanFrom(window, start);
};

/** A window by the name a change carries; `now` is always there. */
export const findWindow = (windows: WindowsConfig, name: string): WindowSpec => {
  if (name === NOW_WINDOW) return NOW_WINDOW;
  const window = windows[name];
  if (!window) throw new NotFoundError('maintenance window', name, closestMatches(name, [...Object.keys(windows), NOW_WINDOW]));
  return window;
};
