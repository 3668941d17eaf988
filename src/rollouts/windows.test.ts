import { describe, expect, it } from 'vitest';
import type { MaintenanceWindow } from '../config/schema-windows.ts';
import { findWindow, nextOpening, openingAt } from './windows.ts';

const HOUR = 3_600_000;
const window = (cron: string, timezone = 'UTC', duration = HOUR): MaintenanceWindow => ({ cron, timezone, duration });
const iso = (date: Date | undefined) => date?.toISOString();
const utc = (text: string) => new Date(text).toISOString();

describe('nextOpening', () => {
  // [case, window, after (ISO with the zone's offset), expected start]
  it.each<[string, MaintenanceWindow, string, string | null]>([
    ['weeknights: Friday night → Monday', window('0 22 * * 1-5', 'UTC', 4 * HOUR), '2024-03-15T23:00:00Z', '2024-03-18T22:00:00Z'],
    ['weeknights: a minute before', window('0 22 * * 1-5'), '2024-03-18T21:59:00Z', '2024-03-18T22:00:00Z'],
    ['strictly after: at the opening → the next one', window('0 22 * * 1-5'), '2024-03-18T22:00:00Z', '2024-03-19T22:00:00Z'],
    ['weekend: Saturday 02:00 weekly', window('0 2 * * 6', 'UTC', 6 * HOUR), '2024-03-16T03:00:00Z', '2024-03-23T02:00:00Z'],
    ['weekday in the window zone, not UTC (Friday 23:00 in Tokyo)', window('0 22 * * 1-5', 'Asia/Tokyo'), '2024-03-15T23:00:00+09:00', '2024-03-18T22:00:00+09:00'],
    ['last Friday of the month', window('0 22 * * 5L'), '2024-03-01T00:00:00Z', '2024-03-29T22:00:00Z'],
    ['second Tuesday (Patch Tuesday)', window('0 9 * * 2#2', 'America/New_York'), '2024-03-01T00:00:00Z', '2024-03-12T09:00:00-04:00'],
    ['29 February on a Monday: decades ahead', window('0 0 29 2 1'), '2024-03-01T00:00:00Z', '2044-02-29T00:00:00Z'],
    // DST spring-forward: 02:30 does not exist; the window opens at the jump (03:00 local).
    ['New York spring-forward: 02:30 → 03:00 EDT', window('30 2 * * *', 'America/New_York'), '2024-03-09T12:00:00-05:00', '2024-03-10T03:00:00-04:00'],
    ['New York: the day after, 02:30 again', window('30 2 * * *', 'America/New_York'), '2024-03-10T03:00:00-04:00', '2024-03-11T02:30:00-04:00'],
    ['Berlin spring-forward: 02:30 → 03:00 CEST', window('30 2 * * *', 'Europe/Berlin'), '2024-03-30T12:00:00+01:00', '2024-03-31T03:00:00+02:00'],
    ['Sydney spring-forward (October): 02:30 → 03:00 AEDT', window('30 2 * * *', 'Australia/Sydney'), '2024-10-05T12:00:00+10:00', '2024-10-06T03:00:00+11:00'],
    ['every 15 min across the gap: 02:00–02:45 fire once, at 03:00', window('*/15 * * * *', 'America/New_York'), '2024-03-10T01:50:00-05:00', '2024-03-10T03:00:00-04:00'],
    ['every 15 min after the gap: 03:15', window('*/15 * * * *', 'America/New_York'), '2024-03-10T03:00:00-04:00', '2024-03-10T03:15:00-04:00'],
    // DST fall-back: 01:30 (New York) / 02:30 (Berlin) happen twice; the window opens once, the first time.
    ['New York fall-back: first 01:30 (EDT)', window('30 1 * * *', 'America/New_York'), '2024-11-03T00:00:00-04:00', '2024-11-03T01:30:00-04:00'],
    ['New York fall-back: not the second 01:30 (EST)', window('30 1 * * *', 'America/New_York'), '2024-11-03T01:30:00-04:00', '2024-11-04T01:30:00-05:00'],
    ['Berlin fall-back: first 02:30 (CEST)', window('30 2 * * *', 'Europe/Berlin'), '2024-10-27T00:00:00+02:00', '2024-10-27T02:30:00+02:00'],
    ['Berlin fall-back: not the second 02:30 (CET)', window('30 2 * * *', 'Europe/Berlin'), '2024-10-27T02:30:00+02:00', '2024-10-28T02:30:00+01:00'],
  ])('%s', (_case, spec, after, expected) => {
    expect(iso(nextOpening(spec, new Date(after))?.start)).toBe(expected === null ? undefined : utc(expected));
  });
});

describe('openingAt', () => {
  const weeknights = window('0 22 * * 1-5', 'UTC', 4 * HOUR);
  // [case, window, at, expected [start, end] or null]
  it.each<[string, MaintenanceWindow, string, [string, string] | null]>([
    ['at the opening (start is inside)', weeknights, '2024-03-18T22:00:00Z', ['2024-03-18T22:00:00Z', '2024-03-19T02:00:00Z']],
    ['spanning midnight: Tuesday 01:00 is Monday night', weeknights, '2024-03-19T01:00:00Z', ['2024-03-18T22:00:00Z', '2024-03-19T02:00:00Z']],
    ['Friday night runs into Saturday', weeknights, '2024-03-16T01:30:00Z', ['2024-03-15T22:00:00Z', '2024-03-16T02:00:00Z']],
    ['at the end (end is outside)', weeknights, '2024-03-19T02:00:00Z', null],
    ['a minute before it opens', weeknights, '2024-03-18T21:59:00Z', null],
    ['Saturday night: no opening', weeknights, '2024-03-16T23:00:00Z', null],
    ['weekly window, mid-way', window('0 2 * * 6', 'UTC', 6 * HOUR), '2024-03-16T07:59:00Z', ['2024-03-16T02:00:00Z', '2024-03-16T08:00:00Z']],
    // Durations are elapsed time: 4 real hours across the spring-forward jump end at 05:00 EDT.
    [
      'duration across spring-forward is elapsed time',
      window('0 0 * * *', 'America/New_York', 4 * HOUR),
      '2024-03-10T04:30:00-04:00',
      ['2024-03-10T00:00:00-05:00', '2024-03-10T05:00:00-04:00'],
    ],
    ['an opening moved by the gap (02:30 → 03:00)', window('30 2 * * *', 'America/New_York'), '2024-03-10T03:10:00-04:00', ['2024-03-10T03:00:00-04:00', '2024-03-10T04:00:00-04:00']],
    ['the repeated hour does not reopen the window', window('30 1 * * *', 'America/New_York'), '2024-11-03T01:45:00-05:00', null],
    ['Berlin: inside the first 02:30 opening', window('30 2 * * *', 'Europe/Berlin', 30 * 60_000), '2024-10-27T02:45:00+02:00', ['2024-10-27T02:30:00+02:00', '2024-10-27T03:00:00+02:00']],
    ['long window: a 2-day opening found from its second day', window('0 0 * * 6', 'UTC', 48 * HOUR), '2024-03-17T23:00:00Z', ['2024-03-16T00:00:00Z', '2024-03-18T00:00:00Z']],
  ])('%s', (_case, spec, at, expected) => {
    const opening = openingAt(spec, new Date(at));
    expect(opening && [iso(opening.start), iso(opening.end)]).toEqual(expected && [utc(expected[0]), utc(expected[1])]);
  });
});

describe('findWindow', () => {
  const windows = { weeknights: window('0 22 * * 1-5'), weekend: window('0 2 * * 6') };
  it('finds configured windows and always now', () => {
    expect(findWindow(windows, 'weekend')).toBe(windows.weekend);
    expect(findWindow(windows, 'now')).toBe('now');
  });
  it('names the closest windows for a typo', () => {
    expect(() => findWindow(windows, 'weeknight')).toThrow('No maintenance window named `weeknight`. Did you mean `weeknights`?');
  });
});
