import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Change } from '../../src/changes/change.ts';
import { Config } from '../../src/config/schema.ts';
import { controlChange } from '../../src/rollouts/run/control.ts';
import { holdLease, staleBefore } from '../../src/rollouts/run/host-lease.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { until } from '../support/until.ts';
import type { PatchbotStore } from '../../src/patchbot-store.ts';
import { availableEngines, openFresh } from '../support/engines.ts';
import { seedEstate } from '../support/seed.ts';

/**
 * The claims that make a host run exactly once, on both engines: one winner per host, no start
 * for a change that stopped running, one change per host at a time, and a worker that lost its
 * lease cannot overwrite the result of the attempt that took over.
 */
const at = new Date('2026-12-01T22:00:00Z');
const later = (ms: number) => new Date(at.getTime() + ms);

const change = (id: string, state: Change['state'], over: Partial<Change> = {}): Change => ({
  id,
  class: 'normal',
  title: id,
  patches: ['KB5034441'],
  targets: ['staging'],
  window: 'now',
  requester: 'alice',
  policyName: 'normal',
  policy: { eligible: ['role:oncall'], required: 1, rejectWins: false, expiresInMs: null, notify: [], postReview: false },
  state,
  parentId: null,
  plan: null,
  postReview: false,
  createdAt: at,
  updatedAt: at,
  expiresAt: null,
  ...over,
});

describe.each(availableEngines())('host run claims on %s', (engine) => {
  let store: PatchbotStore;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const opened = await openFresh(engine);
    store = opened.store;
    close = () => opened.store.close();
    await seedEstate(store);
  });
  afterAll(async () => close?.());

  it('lets one worker win, fences a stale one out, and never starts a host of a stopped change', async () => {
    await store.changes.create(change('CHG-1', 'running'));
    await store.rollouts.queueRuns('CHG-1', 0, 0, ['web-01']);
    const [a, b] = await Promise.all([store.rollouts.claimRun('CHG-1', 'web-01', later(1000), at, at), store.rollouts.claimRun('CHG-1', 'web-01', later(1000), at, at)]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    // Worker A stops renewing. Its 1 s lease lapses at 1 s, but until it is stale (half a lease
    // later) A may still be stopping its playbook: nobody takes the run over yet.
    expect(await store.rollouts.claimRun('CHG-1', 'web-01', later(2200), later(1200), staleBefore(later(1200), 1000))).toBeNull();
    expect(await store.rollouts.expiredLeases(staleBefore(later(1200), 1000))).toEqual([]);
    expect(await store.rollouts.expiredLeases(staleBefore(later(2000), 1000))).toEqual([{ changeId: 'CHG-1', host: 'web-01' }]);
    // Stale: B takes over as attempt 2.
    const taken = await store.rollouts.claimRun('CHG-1', 'web-01', later(5000), later(2000), staleBefore(later(2000), 1000));
    expect(taken).toMatchObject({ recovered: true, run: { attempt: 2 } });
    expect(await store.rollouts.renewLease('CHG-1', 'web-01', 1, later(9000))).toBe(false);
    expect(await store.rollouts.finishRun('CHG-1', 'web-01', { attempt: 1, state: 'failed', result: null, error: 'stale', at: later(3000) })).toBe(false);
    expect(await store.rollouts.finishRun('CHG-1', 'web-01', { attempt: 2, state: 'applied', result: null, error: null, at: later(3000) })).toBe(true);
    expect((await store.rollouts.runs('CHG-1'))[0]).toMatchObject({ state: 'applied', attempt: 2, error: null });

    await store.changes.create(change('CHG-2', 'halted'));
    await store.rollouts.queueRuns('CHG-2', 0, 0, ['stg-01']);
    expect(await store.rollouts.claimRun('CHG-2', 'stg-01', later(1000), at, at)).toBeNull();
  });

  it('runs one change per host at a time: a rollback waits for the original to finish there', async () => {
    await store.changes.create(change('CHG-3', 'running'));
    await store.changes.create(change('CHG-4', 'running', { parentId: 'CHG-3' }));
    await store.rollouts.queueRuns('CHG-3', 0, 0, ['stg-01']);
    await store.rollouts.queueRuns('CHG-4', 0, 0, ['stg-01']);
    expect(await store.rollouts.claimRun('CHG-3', 'stg-01', later(60_000), at, at)).not.toBeNull();
    expect(await store.rollouts.claimRun('CHG-4', 'stg-01', later(60_000), later(1000), later(1000))).toBeNull();
    // The original's lease lapsed but is not stale: its worker may still be stopping, so the rollback waits.
    expect(await store.rollouts.claimRun('CHG-4', 'stg-01', later(120_000), later(61_000), staleBefore(later(61_000), 60_000))).toBeNull();
    await store.rollouts.finishRun('CHG-3', 'stg-01', { attempt: 1, state: 'applied', result: null, error: null, at: later(2000) });
    expect(await store.rollouts.claimRun('CHG-4', 'stg-01', later(60_000), later(3000), later(3000))).not.toBeNull();
  });

  it('tells a worker whose run was taken over to stop, at its next renewal', async () => {
    await store.changes.create(change('CHG-7', 'running'));
    await store.rollouts.queueRuns('CHG-7', 0, 0, ['web-01']);
    const now = () => new Date();
    const leaseUntil = new Date(Date.now() + 600);
    expect(await store.rollouts.claimRun('CHG-7', 'web-01', leaseUntil, now(), now())).not.toBeNull();
    const lease = holdLease(store, { changeId: 'CHG-7', host: 'web-01', attempt: 1, leaseUntil, leaseMs: 600, now, log: createLogger({ level: 'silent' }) });
    try {
      // Another worker that (wrongly or on a skewed clock) found the lease stale takes the run over.
      expect(await store.rollouts.claimRun('CHG-7', 'web-01', new Date(Date.now() + 600), now(), new Date(Date.now() + 600_000))).toMatchObject({ run: { attempt: 2 } });
      await until('the first worker to be told to stop', () => lease.signal.aborted, 10_000);
      expect(lease.lost).toBe('attempt 1 was taken over by another worker');
    } finally {
      lease.release();
    }
  });

  it('does not let a viewer steer a change whose policy names no approvers', async () => {
    await store.changes.create(
      change('CHG-5', 'running', { policyName: 'standard', policy: { eligible: [], required: 0, rejectWins: false, expiresInMs: null, notify: [], postReview: false } }),
    );
    const config = Config.parse({});
    const frank = (await store.people.get('frank'))!;
    await expect(controlChange(store, config, { changeId: 'CHG-5', verb: 'cancel', person: frank, hosts: [], now: at })).rejects.toThrow(/You may not cancel CHG-5/);
    const olga = (await store.people.get('olga'))!;
    expect((await controlChange(store, config, { changeId: 'CHG-5', verb: 'pause', person: olga, hosts: [], now: at })).change.state).toBe('paused');
  });
});
