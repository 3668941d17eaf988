/**
 * When a 5-field cron fires in an IANA zone, around a given instant. node-cron parses the fields
 * (one grammar for schedules and windows); the walk is ours because node-cron only answers "next
 * run from the real clock", and windows need any instant, in both directions.
 *
 * The walk goes day by day in the zone's calendar; within a matching day it binary-searches the
 * day's fire times, which is valid because wall → instant (zoned-time.ts) never goes backwards.
 */
import cron from 'node-cron';
import { dayMatcher } from './cron-days.ts';
import { instantOf, wallOf } from './zoned-time.ts';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** Far enough for "29 February on a Monday" (every 28 years at worst); beyond it: never. */
const HORIZON_DAYS = 28 * 366;

interface CompiledCron {
  /** Fire times within a day, as ms after local midnight, ascending. */
  times: number[];
  matchesDay: (year: number, month: number, day: number) => boolean;
}

const compiled = new Map<string, CompiledCron>();

const compile = (expression: string): CompiledCron => {
  let entry = compiled.get(expression);
  if (!entry) {
    const fields = cron.parse(expression);
    const times = fields.hour.flatMap((hour) => fields.minute.map((minute) => (hour * 60 + minute) * MINUTE_MS)).sort((a, b) => a - b);
    entry = { times, matchesDay: dayMatcher(fields.dayOfMonth, fields.month, fields.dayOfWeek) };
    compiled.set(expression, entry);
  }
  return entry;
};

const midnightOf = (wall: number): number => Math.floor(wall / DAY_MS) * DAY_MS;

const dayMatches = (schedule: CompiledCron, midnight: number): boolean => {
  const date = new Date(midnight);
  return schedule.matchesDay(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
};

/** First index in [0, length) where `test` holds, for a test that is false…false true…true. */
const firstWhere = (length: number, test: (index: number) => boolean): number => {
  let low = 0;
  let high = length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (test(middle)) high = middle;
    else low = middle + 1;
  }
  return low;
};

/** The first firing strictly after `after` (ms), or null if none within the horizon. */
export const nextFiring = (expression: string, zone: string, after: number): number | null => {
  const schedule = compile(expression);
  // From the day before: a firing in a DST gap is pushed later, possibly past midnight.
  const start = midnightOf(wallOf(zone, after)) - DAY_MS;
  for (let day = 0; day < HORIZON_DAYS; day++) {
    const midnight = start + day * DAY_MS;
    if (!dayMatches(schedule, midnight)) continue;
    const at = (index: number) => instantOf(zone, midnight + schedule.times[index]!);
    const index = firstWhere(schedule.times.length, (i) => at(i) > after);
    if (index < schedule.times.length) return at(index);
  }
  return null;
};

/** The last firing at or before `atOrBefore` and not before `notBefore`, or null. */
export const lastFiring = (expression: string, zone: string, atOrBefore: number, notBefore: number): number | null => {
  const schedule = compile(expression);
  // One day more: a firing in a DST gap is pushed later, possibly past midnight.
  const first = midnightOf(wallOf(zone, notBefore)) - DAY_MS;
  for (let midnight = midnightOf(wallOf(zone, atOrBefore)); midnight >= first; midnight -= DAY_MS) {
    if (!dayMatches(schedule, midnight)) continue;
    const at = (index: number) => instantOf(zone, midnight + schedule.times[index]!);
    const index = firstWhere(schedule.times.length, (i) => at(i) > atOrBefore) - 1;
    if (index >= 0) {
      const instant = at(index);
      return instant >= notBefore ? instant : null;
    }
  }
  return null;
};
