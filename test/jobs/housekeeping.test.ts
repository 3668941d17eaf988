import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { HOUSEKEEPING_SCHEDULE, IDEMPOTENCY_RETENTION_DAYS } from '../../src/jobs/housekeeping.ts';
import { firingKey, scheduleQueue } from '../../src/jobs/scheduler.ts';
import { platform } from '../support/platform.ts';
import type { StoreHandle } from '../../src/platform.ts';
import { type Runtime, startRuntime } from '../../src/service/runtime.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { writeConfig } from '../support/cli.ts';
import { until } from '../support/until.ts';

/** The hourly housekeeping job, fired through a real runtime's job queue as the schedule fires it. */
describe('housekeeping', () => {
  const now = new Date('2026-03-01T10:00:00Z');
  const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);
  let handle: StoreHandle;
  let runtime: Runtime;

  beforeAll(async () => {
    const { config } = await loadConfig({
      files: [writeConfig(['store: { url: "pglite://memory" }', 'log: { level: silent }', 'schedules: { discovery: null }', 'inventory: { hosts: [] }'].join('\n'))],
      env: {},
      cwd: process.cwd(),
    });
    handle = await platform.openStore(config.store.url, { migrate: true });
    runtime = await startRuntime({ config, platform, log: createLogger({ level: 'silent' }), handle, workers: true, now: () => now });
  });
  afterAll(async () => {
    await runtime?.stop();
    await handle?.close();
  });

  it(`forgets idempotency keys older than ${IDEMPOTENCY_RETENTION_DAYS} days and keeps younger ones`, async () => {
    const { store, queue } = runtime;
    await store.idempotency.claim('chat:console:old-click', daysAgo(IDEMPOTENCY_RETENTION_DAYS + 1));
    await store.idempotency.claim('chat:console:recent-click', daysAgo(IDEMPOTENCY_RETENTION_DAYS - 1));
    await queue.send(scheduleQueue(HOUSEKEEPING_SCHEDULE.name), { schedule: HOUSEKEEPING_SCHEDULE.name, firedAt: now.toISOString() }, { key: firingKey(HOUSEKEEPING_SCHEDULE.name, now) });
    // The old key is free again once the job ran; the recent one is still claimed.
    await until('the old key to be pruned', () => store.idempotency.claim('chat:console:old-click', daysAgo(IDEMPOTENCY_RETENTION_DAYS + 1)), 30_000);
    expect(await store.idempotency.claim('chat:console:recent-click', now)).toBe(false);
  });
});
