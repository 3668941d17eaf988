import { describe, expect, it } from 'vitest';
import { approvalRetryAfterMs, MAX_RETRY_AFTER_MS } from './itsm-approval-jobs.ts';
import { retryAfterMs } from './retry-after.ts';

const NOW = new Date('2024-01-20T10:00:00Z');

/** How long an approval check that met a 429 waits: the ITSM's headers in, the wait (or the queue's backoff: null) out. */
describe('approvalRetryAfterMs', () => {
  it.each([
    ['Retry-After in seconds', { 'retry-after': '12' }, 12_000],
    ['Retry-After as an HTTP date', { 'retry-after': 'Sat, 20 Jan 2024 10:00:45 GMT' }, 45_000],
    ['a Retry-After of hours: at most ten minutes', { 'retry-after': '86400' }, MAX_RETRY_AFTER_MS],
    ['less than the queue would wait anyway: its first delay', { 'retry-after': '1' }, 5_000],
    ['no Retry-After: the queue backoff', {}, null],
    ['a garbled Retry-After: the queue backoff', { 'retry-after': 'soon' }, null],
  ])('%s', (_name, headers, expected) => {
    expect(approvalRetryAfterMs(retryAfterMs(headers, NOW))).toBe(expected);
  });
});
