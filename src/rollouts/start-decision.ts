/**
 * May a change start (or resume, or start its next host) now? The one question the orchestrator
 * asks before every new host, answered from config and the clock alone.
 *
 * - Nothing starts outside an opening of the change's window, or during a blackout; a blackout
 *   inside an opening shortens it (`closesAt` is the earlier of the window's end and the next
 *   blackout).
 * - At `closesAt` running hosts finish, no new host starts; the change pauses and asks again:
 *   the answer then carries the next opening to resume at.
 * - A change that was waiting for an opening and is asked much later than that opening began
 *   (the service was down) is not run late: it waits for the next one, unless the window's
 *   `grace` (or the `grace` given here) covers the delay.
 * - The `now` window: see now-decision.ts (only emergencies and rollbacks start over a blackout).
 */
import type { Blackout } from '../config/schema-windows.ts';
import { NOW_WINDOW } from '../config/schema-windows.ts';
import { blackoutName, nowDecision } from './now-decision.ts';
import { blackoutAt, nextOpenInterval, openIntervalAt } from './open-intervals.ts';
import { durationText, whenText } from './time-text.ts';
import type { Span, WindowSpec } from './windows.ts';

/** Scheduling latency that is not lateness (job queue polling, a busy replica, a retry); a smaller grace changes nothing. */
export const ON_TIME_MS = 5 * 60_000;

export interface StartQuery {
  window: WindowSpec;
  windowName: string;
  blackouts: readonly Blackout[];
  now: Date;
  /** Overrides the window's own `grace` (ms). */
  grace?: number;
  /** When the change began waiting to run: its approval, or its pause. Absent: it never waited. */
  waitingSince?: Date;
  /**
   * For a change recorded as running: the start of the opening it was running in (from the
   * decision that let it start). Back in that same opening after a restart it carries on; in a
   * later one it counts as waiting since that opening closed.
   */
  runningInOpening?: Date;
  /** The change is of the emergency class: at `now` it starts over a blackout, and its text says so. */
  emergency?: boolean;
  /** Who proposed the change: a normal change at `now` is an immediate start this person asked for. */
  requester?: string;
  /** The change this one rolls back (rollbacks run `now`, over a blackout: see now-decision.ts). */
  rollbackOf?: string;
}

export type StartRefusal = 'outside-window' | 'blackout' | 'missed';

export type StartDecision =
  { may: true; opening: Span | null; closesAt: Date | null; overriddenBlackout: string | null; text: string } | { may: false; reason: StartRefusal; nextOpening: Span | null; text: string };

export const startDecision = (query: StartQuery): StartDecision => {
  const { window, windowName: name, blackouts, now } = query;
  if (window === NOW_WINDOW) return nowDecision(query);
  const when = (date: Date) => whenText(date, window.timezone);
  const refuse = (reason: StartRefusal, why: string): StartDecision => {
    const next = nextOpenInterval(window, blackouts, now);
    const nextText = next
      ? `it next opens ${when(next.start)} for ${durationText(next.end.getTime() - next.start.getTime())}`
      : `it never opens again (cron "${window.cron}" matches no date ahead)`;
    return { may: false, reason, nextOpening: next && { start: next.start, end: next.end }, text: `${why}; ${nextText}.` };
  };

  const blackout = blackoutAt(blackouts, now);
  if (blackout) return refuse('blackout', `Blackout ${blackoutName(blackout)} until ${when(new Date(blackout.to))}: nothing starts in window ${name}`);
  const interval = openIntervalAt(window, blackouts, now);
  if (!interval) return refuse('outside-window', `Window ${name} is closed`);

  const continuing = query.runningInOpening?.getTime() === interval.opening.start.getTime();
  const since = continuing ? undefined : waitingSince(query, window.duration);
  if (since !== undefined) {
    const late = now.getTime() - Math.max(interval.start.getTime(), since);
    const grace = query.grace ?? window.grace;
    if (late > Math.max(grace ?? 0, ON_TIME_MS)) {
      const allowance = grace === undefined ? 'no grace is set' : `grace is ${durationText(grace)}`;
      return refuse('missed', `Missed window ${name}: it opened ${when(interval.start)}, starting now would be ${durationText(late)} late and ${allowance}`);
    }
  }
  const cut = interval.end.getTime() < interval.opening.end.getTime() ? ` (a blackout starts then)` : '';
  return { may: true, opening: interval.opening, closesAt: interval.end, overriddenBlackout: null, text: `Window ${name} is open until ${when(interval.end)}${cut}.` };
};

/** The instant the change started waiting, if it did (ms). */
const waitingSince = (query: StartQuery, duration: number): number | undefined => {
  const closedAt = query.runningInOpening === undefined ? undefined : query.runningInOpening.getTime() + duration;
  const waited = query.waitingSince?.getTime();
  if (closedAt === undefined) return waited;
  return waited === undefined ? closedAt : Math.max(waited, closedAt);
};
