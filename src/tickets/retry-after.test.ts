import { describe, expect, it } from 'vitest';
import { retryAfterMs } from './retry-after.ts';

const NOW = new Date('2024-01-20T10:00:00Z');

describe('retryAfterMs', () => {
  it.each([
    ['delta seconds', { 'retry-after': '30' }, 30_000],
    ['fractional seconds', { 'retry-after': '1.5' }, 1_500],
    ['an HTTP date', { 'retry-after': 'Sat, 20 Jan 2024 10:00:45 GMT' }, 45_000],
    ['an HTTP date in the past', { 'retry-after': 'Sat, 20 Jan 2024 09:00:00 GMT' }, 0],
    ['ServiceNow X-RateLimit-Reset (unix seconds)', { 'x-ratelimit-reset': String(NOW.getTime() / 1000 + 120) }, 120_000],
    ['Jira Cloud X-RateLimit-Reset (ISO-8601)', { 'x-ratelimit-reset': '2024-01-20T10:01:00Z' }, 60_000],
    ['Retry-After over the reset', { 'retry-after': '5', 'x-ratelimit-reset': '2024-01-20T10:01:00Z' }, 5_000],
    ['an array value', { 'retry-after': ['7'] }, 7_000],
    ['nothing', {}, null],
    ['garbage', { 'retry-after': 'soon', 'x-ratelimit-reset': 'later' }, null],
    ['a tiny reset number (not a timestamp)', { 'x-ratelimit-reset': '12' }, null],
  ])('reads %s', (_name, headers, expected) => {
    expect(retryAfterMs(headers, NOW)).toBe(expected);
  });
});
