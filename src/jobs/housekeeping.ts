import type { Logger } from '../shared/logger.ts';
import type { IdempotencyRepos } from '../store/idempotency.ts';
import type { JobQueue } from './job-queue.ts';
import { scheduleQueue } from './scheduler.ts';

/** Hourly, once across replicas (a schedule job). */
export const HOUSEKEEPING_SCHEDULE = { name: 'housekeeping', cron: '17 * * * *' } as const;

/**
 * How long a claimed idempotency key is kept. Keys stop duplicates that arrive within minutes or
 * hours (Slack and webhook retries, double clicks, a console message re-sent after a dropped
 * connection); a month is far past any retry, and a click on a month-old digest may count again.
 */
export const IDEMPOTENCY_RETENTION_DAYS = 30;

export interface HousekeepingDeps {
  store: IdempotencyRepos;
  queue: JobQueue;
  log: Logger;
  now?: () => Date;
}

/** Removes what only exists to stop duplicates once no duplicate can come any more. */
const housekeep = async ({ store, log, now = () => new Date() }: HousekeepingDeps): Promise<void> => {
  const before = new Date(now().getTime() - IDEMPOTENCY_RETENTION_DAYS * 86_400_000);
  const removed = await store.idempotency.prune(before);
  if (removed) log.info({ removed, before }, `idempotency keys older than ${IDEMPOTENCY_RETENTION_DAYS} days removed`);
};

export const registerHousekeeping = async (deps: HousekeepingDeps): Promise<void> => {
  await deps.queue.work(scheduleQueue(HOUSEKEEPING_SCHEDULE.name), () => housekeep(deps));
};
