import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreHandle } from '../../src/platform.ts';
import { kickRollout } from '../../src/rollouts/run/rollout-jobs.ts';
import type { Runtime } from '../../src/service/runtime.ts';
import { until } from '../support/until.ts';
import { askAs } from '../support/ask-as.ts';
import { seedLibbarMissing } from '../support/seed-missing.ts';
import { writeLocalEstateConfig } from '../support/local-estate-config.ts';
import { startTestRuntime } from '../support/test-runtime.ts';

/**
 * The orchestrator against its window, on a clock the test moves (the workers, queue and store are
 * real): it waits for the opening, runs inside it, pauses when the window closes between batches
 * and resumes at the next opening; an opening missed while patchbot was down is not run late.
 * The window arithmetic itself (time zones, DST, blackouts, grace) is table-tested in src/rollouts.
 */
const HOSTS = ['canary-01', 'web-01', 'web-02'];
let clock = new Date('2026-12-07T21:30:00Z'); // a Monday
let handle: StoreHandle;
let runtime: Runtime;

const act = (name: string, text: string) => askAs(runtime, name, text);
const statusOf = async (id: string) => (await runtime.store.rollouts.progress(id))?.status ?? '';
/**
 * Every advance saves the change's progress stamped with the clock: that stamp shows a kick was
 * decided. The runtime's own 30 s sweep may have read the clock before the test moved it and
 * stamp the older time after the kick: kicking again (an advance with nothing to do does nothing)
 * settles it instead of waiting for the next sweep.
 */
const decidedAt = async (id: string, at: string) => {
  let tries = 0;
  await until(
    `the kick at ${at} to be decided`,
    async () => {
      if ((await runtime.store.rollouts.progress(id))?.updatedAt.toISOString() === new Date(at).toISOString()) return true;
      if (++tries % 20 === 0) await kickRollout(runtime, id, `clock-${++kicks}`);
      return false;
    },
    45_000,
  );
};
let kicks = 0;
const at = async (iso: string, id: string) => {
  clock = new Date(iso);
  await kickRollout(runtime, id, `clock-${++kicks}`);
};

beforeAll(async () => {
  const file = writeLocalEstateConfig({
    hosts: HOSTS,
    groups: { canary: ['canary-01'], web: ['web-01', 'web-02'] },
    windows: '{ nightly: { cron: "0 22 * * *", duration: 1h, timezone: UTC } }',
    // The pilot soaks for 10 minutes of the test's clock: the next batch waits for the clock the
    // test moves, not for how long a host run happens to take.
    rollout: '{ pilot: { soak: 10m }, defaults: { concurrency: 1, soak: 0s } }',
  });
  ({ handle, runtime } = await startTestRuntime([file], { now: () => clock }));
  await seedLibbarMissing(runtime.store, HOSTS);
}, 120_000);
afterAll(async () => {
  await runtime?.stop();
  await handle?.close();
});

describe('a change and its maintenance window', () => {
  it('waits for the opening, pauses when the window closes between batches, resumes at the next opening', async () => {
    const id = String((await act('alice', 'propose deb:libbar1@1.1-1 to canary web at nightly')).data?.change);
    await act('dave', `approve ${id}`);
    await until('the wait for the window', async () => (await statusOf(id)).includes('Window nightly is closed; it next opens Mon 7 Dec 2026 22:00 UTC'));
    expect((await runtime.store.changes.get(id))?.state).toBe('scheduled');

    // 22:02: inside the window; the pilot runs (a dry run: the service's default) and soaks until
    // 22:12. The clock then moves past the window's end, so the next batch finds the window closed.
    await at('2026-12-07T22:02:00Z', id);
    await until('the pilot to soak', async () => (await runtime.store.rollouts.progress(id))?.phase === 'soaking');
    await at('2026-12-07T23:05:00Z', id);
    await until('the pause at the window end', async () => (await runtime.store.changes.get(id))?.state === 'paused');
    expect(await statusOf(id)).toMatch(/paused until its next window\|Window nightly is closed; it next opens Tue 8 Dec 2026 22:00 UTC/);
    expect((await runtime.store.rollouts.runs(id)).map((r) => [r.host, r.state])).toEqual([['canary-01', 'dry-run']]);

    // Still closed at 09:00: kicking it does nothing.
    await at('2026-12-08T09:00:00Z', id);
    await decidedAt(id, '2026-12-08T09:00:00Z');
    expect((await runtime.store.changes.get(id))?.state).toBe('paused');

    // alice holds it: the next opening passes it by.
    expect((await act('alice', `pause ${id}`)).private?.text).toMatch(/held by alice: it will not resume at its next window/);
    await at('2026-12-08T22:01:00Z', id);
    await decidedAt(id, '2026-12-08T22:01:00Z');
    expect((await runtime.store.changes.get(id))?.state).toBe('paused');
    expect((await runtime.store.rollouts.runs(id)).map((r) => r.host)).toEqual(['canary-01']);

    // Resumed the next morning, outside the window: it goes back to waiting, no host starts.
    clock = new Date('2026-12-09T09:00:00Z');
    expect((await act('dave', `resume ${id}`)).error).toBeUndefined();
    await until(
      'the window pause after the resume',
      async () => (await runtime.store.changes.get(id))?.state === 'paused' && (await statusOf(id)).includes('next opens Wed 9 Dec 2026 22:00 UTC'),
    );
    expect((await runtime.store.rollouts.runs(id)).map((r) => r.host)).toEqual(['canary-01']);

    await at('2026-12-09T22:01:00Z', id);
    await until(`${id} to complete in the next opening`, async () => (await runtime.store.changes.get(id))?.state === 'completed');
    expect((await runtime.store.rollouts.runs(id)).map((r) => [r.host, r.state, r.attempt])).toEqual([
      ['canary-01', 'dry-run', 1],
      ['web-01', 'dry-run', 1],
      ['web-02', 'dry-run', 1],
    ]);
  });

  it('does not run an opening late that passed while patchbot was down', async () => {
    clock = new Date('2026-12-10T21:30:00Z');
    const id = String((await act('alice', 'propose deb:libbar1@1.1-1 to canary at nightly')).data?.change);
    await act('dave', `approve ${id}`);
    await until('the wait', async () => (await statusOf(id)).includes('next opens Thu 10 Dec 2026 22:00 UTC'));
    // Down from 21:30 to 22:40: the opening began 40 minutes ago and the window has no grace.
    await at('2026-12-10T22:40:00Z', id);
    await until('the refusal', async () => (await statusOf(id)).includes('Missed window nightly'));
    expect(await statusOf(id)).toMatch(/starting now would be 40m late and no grace is set; it next opens Fri 11 Dec 2026 22:00 UTC/);
    expect((await runtime.store.changes.get(id))?.state).toBe('scheduled');
    expect(await runtime.store.rollouts.runs(id)).toEqual([]);
  });
});
