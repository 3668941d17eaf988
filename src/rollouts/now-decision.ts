/**
 * The `now` window: start at once. Only an emergency may start over a blackout (README, DESIGN
 * §3): a freeze that blocked an incident fix would make on-call delete the blackout from config
 * in the middle of the incident, a worse audit trail than an override the decision names. Any
 * other change proposed `at now` is an immediate start a person asked for: it starts at once
 * outside blackouts, waits for the end of the blackout in force otherwise, and stops starting
 * hosts when the next blackout begins.
 * A rollback is not held back either: a blackout freezes changes, not their undoing, and a person
 * who pressed Roll back on broken hosts must not wait out a freeze with them broken. The override
 * is named like an emergency's.
 */
import type { Blackout } from '../config/schema-windows.ts';
import { blackoutAt } from './open-intervals.ts';
import { whenText } from './time-text.ts';
import type { Span } from './windows.ts';

export interface NowQuery {
  blackouts: readonly Blackout[];
  now: Date;
  emergency?: boolean;
  /** Who asked for the immediate start (the change's requester). */
  requester?: string;
  /** The change this one rolls back: it restores, so it starts over a blackout. */
  rollbackOf?: string;
}

export type NowDecision =
  { may: true; opening: null; closesAt: Date | null; overriddenBlackout: string | null; text: string } | { may: false; reason: 'blackout'; nextOpening: Span | null; text: string };

export const blackoutName = (b: Blackout): string => `${b.name}${b.reason ? ` (${b.reason})` : ''}`;

/** How a change proposed `at now` is called everywhere people read it: cards, threads, tickets. */
export const immediateText = (emergency: boolean, requester: string | undefined, rollbackOf?: string): string => {
  if (rollbackOf) return `Rollback of ${rollbackOf} requested by ${requester ?? 'its requester'}`;
  return emergency ? 'Window now (emergency)' : `Immediate start requested by ${requester ?? 'its requester'}`;
};

/** The end of the blackout in force at `at`, following blackouts that overlap or abut it. */
export const blackoutEnd = (blackouts: readonly Blackout[], at: Date): Date => {
  let end = at;
  for (let b = blackoutAt(blackouts, end); b; b = blackoutAt(blackouts, end)) end = new Date(b.to);
  return end;
};

/** The start of the first blackout that begins after `after`, or null. */
export const nextBlackoutStart = (blackouts: readonly Blackout[], after: Date): Date | null => {
  const starts = blackouts.map((b) => Date.parse(b.from)).filter((t) => t > after.getTime());
  return starts.length ? new Date(Math.min(...starts)) : null;
};

/** Blackout times are absolute: shown in UTC, the zone they are usually written in. */
const utc = (date: Date) => whenText(date, 'UTC');

export const nowDecision = (query: NowQuery): NowDecision => {
  const { blackouts, now } = query;
  const label = immediateText(query.emergency === true, query.requester, query.rollbackOf);
  const blackout = blackoutAt(blackouts, now);
  if (query.emergency || query.rollbackOf) {
    const text = `${label}: starting immediately${blackout ? `, overriding blackout ${blackoutName(blackout)}` : ''}.`;
    return { may: true, opening: null, closesAt: null, overriddenBlackout: blackout?.name ?? null, text };
  }
  if (blackout) {
    const start = blackoutEnd(blackouts, now);
    const until = nextBlackoutStart(blackouts, start);
    // No window bounds an immediate start: its "opening" lasts until the next blackout, if any.
    const nextOpening = { start, end: until ?? new Date(8.64e15) };
    const text = `${label}: blackout ${blackoutName(blackout)} is in force (only emergencies and rollbacks start during a blackout); it starts when the blackout ends, ${utc(start)}.`;
    return { may: false, reason: 'blackout', nextOpening, text };
  }
  const closesAt = nextBlackoutStart(blackouts, now);
  const cut = closesAt ? ` (blackout from ${utc(closesAt)}: no new host starts then)` : '';
  return { may: true, opening: null, closesAt, overriddenBlackout: null, text: `${label}: starting immediately${cut}.` };
};
