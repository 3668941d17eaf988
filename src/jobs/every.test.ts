import cron from 'node-cron';
import { describe, expect, it } from 'vitest';
import { exactCron } from './every.ts';

describe('exactCron', () => {
  it.each<[string, number, string | null]>([
    ['5 s', 5_000, '*/5 * * * * *'],
    ['30 s', 30_000, '*/30 * * * * *'],
    ['1 min', 60_000, '0 */1 * * * *'],
    ['15 min', 900_000, '0 */15 * * * *'],
    ['1 h', 3_600_000, '0 0 * * * *'],
    ['45 s fires at :00 and :45 of each minute', 45_000, null],
    ['90 s is no whole number of minutes', 90_000, null],
    ['7 min fires at :56 and then :00', 420_000, null],
    ['2 h', 7_200_000, null],
    ['1.5 s', 1_500, null],
    ['0', 0, null],
  ])('%s', (_, ms, expected) => {
    expect(exactCron(ms)).toBe(expected);
    if (expected) expect(cron.validate(expected)).toBe(true);
  });
});
