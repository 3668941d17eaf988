import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { holdLease } from './host-lease.ts';
import { capturedLog } from '../../../test/support/captured-log.ts';

const LEASE_MS = 60_000;
const away = () => new Error('The database is unavailable, try again in a moment.');

/**
 * A lease renewed every 20 s (ticks every 10 s) over a store that is away for a while: one warning
 * when renewals start failing, then either a line when one works again or the lease lost.
 */
describe('a host run lease while the store is away', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  const hold = (answers: Array<boolean | Error>) => {
    const { log, lines } = capturedLog('info');
    // The store's renewal as the lease sees it: each call takes the next answer (true: renewed).
    const renewLease = () => {
      const answer = answers.shift() ?? true;
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    };
    const store = { rollouts: { renewLease } } as unknown as Parameters<typeof holdLease>[0];
    const lease = holdLease(store, { changeId: 'CHG-1', host: 'web-01', attempt: 1, leaseUntil: new Date(LEASE_MS), leaseMs: LEASE_MS, now: () => new Date(), log });
    return { lease, lines };
  };

  it('warns once when renewals start failing and says when one works again, whatever the number of failed tries', async () => {
    const { lease, lines } = hold([away(), away(), true]);
    await vi.advanceTimersByTimeAsync(45_000);
    lease.release();
    expect(lease.lost).toBeNull();
    expect(lines.map((l) => [l.level, l.msg, l.attempt])).toEqual([
      [40, 'host run lease renewal failed', 1],
      [30, 'host run lease renewal works again', 1],
    ]);
    expect(lines[0]!.err).toMatchObject({ message: 'The database is unavailable, try again in a moment.' });
    expect(lines[1]).toMatchObject({ failures: 2, failedForMs: 20_000 });
  });

  it('warns once, then stops the run when no renewal works for two thirds of the lease', async () => {
    const { lease, lines } = hold([away(), away(), away(), away()]);
    await vi.advanceTimersByTimeAsync(45_000);
    lease.release();
    expect(lease.lost).toMatch(/^no lease renewal succeeded for 40s \(the lease is 60s\)/);
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [40, 'host run lease renewal failed'],
      [50, 'host run lease lost; stopping the run'],
    ]);
  });
});
