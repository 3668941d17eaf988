import { DAY_MS } from './policy.ts';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

export const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** "45 min", "3 h", "9 days": the precision a person needs to judge how fresh something is. */
export const spanText = (ms: number): string => {
  const span = Math.max(0, ms);
  if (span < HOUR_MS) return `${Math.floor(span / MINUTE_MS)} min`;
  if (span < 2 * DAY_MS) return `${Math.floor(span / HOUR_MS)} h`;
  return plural(Math.floor(span / DAY_MS), 'day');
};

/** `2024-03-01 12:00Z`: sortable, unambiguous across time zones, short enough for a column. */
export const stampText = (date: Date): string => `${date.toISOString().slice(0, 16).replace('T', ' ')}Z`;
