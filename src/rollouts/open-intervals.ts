/**
 * Openings minus blackouts. A blackout that covers part of an opening shortens it (from either
 * end) or splits it; one that covers it whole removes it. What is left are "open intervals": the
 * only periods in which a host may start.
 */
import type { Blackout, MaintenanceWindow } from '../config/schema-windows.ts';
import { nextOpening, openingAt, type Span } from './windows.ts';

export interface OpenInterval extends Span {
  /** The window's opening this interval belongs to (its identity across restarts). */
  opening: Span;
}

interface Period {
  name: string;
  from: number;
  to: number;
}

/** Stops a pathological config (every minute, blacked out for years) from looping for long. */
const MAX_OPENINGS = 10_000;

const periodsOf = (blackouts: readonly Blackout[]): Period[] => blackouts.map((b) => ({ name: b.name, from: Date.parse(b.from), to: Date.parse(b.to) })).sort((a, b) => a.from - b.from);

/** The blackout in force at `at`; of several, the one that lasts longest. */
export const blackoutAt = (blackouts: readonly Blackout[], at: Date): Blackout | null => {
  const t = at.getTime();
  const covering = blackouts.filter((b) => Date.parse(b.from) <= t && t < Date.parse(b.to));
  return covering.sort((a, b) => Date.parse(b.to) - Date.parse(a.to))[0] ?? null;
};

/** The parts of `opening` outside every blackout, in order. */
const freePieces = (opening: Span, periods: readonly Period[]): OpenInterval[] => {
  const pieces: OpenInterval[] = [];
  const end = opening.end.getTime();
  let cursor = opening.start.getTime();
  for (const period of periods) {
    if (period.to <= cursor || period.from >= end) continue;
    if (period.from > cursor) pieces.push({ start: new Date(cursor), end: new Date(period.from), opening });
    cursor = Math.max(cursor, period.to);
  }
  if (cursor < end) pieces.push({ start: new Date(cursor), end: new Date(end), opening });
  return pieces;
};

/** The open interval containing `at`, or null (outside every opening, or in a blackout). */
export const openIntervalAt = (window: MaintenanceWindow, blackouts: readonly Blackout[], at: Date): OpenInterval | null => {
  const opening = openingAt(window, at);
  if (!opening) return null;
  const t = at.getTime();
  return freePieces(opening, periodsOf(blackouts)).find((piece) => piece.start.getTime() <= t && t < piece.end.getTime()) ?? null;
};

/** The first open interval that starts strictly after `after`, or null if there is none ahead. */
export const nextOpenInterval = (window: MaintenanceWindow, blackouts: readonly Blackout[], after: Date): OpenInterval | null => {
  const periods = periodsOf(blackouts);
  let opening = openingAt(window, after) ?? nextOpening(window, after);
  for (let i = 0; opening && i < MAX_OPENINGS; i++) {
    const piece = freePieces(opening, periods).find((p) => p.start.getTime() > after.getTime());
    if (piece) return piece;
    // Openings that start and end inside the blackout covering this one are skipped in one jump.
    const start = opening.start.getTime();
    const covering = periods.filter((p) => p.from <= start && start < p.to);
    const jumpTo = Math.max(start, ...covering.map((p) => p.to - window.duration));
    opening = nextOpening(window, new Date(jumpTo));
  }
  return null;
};
