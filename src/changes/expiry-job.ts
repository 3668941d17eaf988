import { scheduleQueue, type ScheduleFiring } from '../jobs/scheduler.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { Logger } from '../shared/logger.ts';
import type { Transactional } from '../store/transactional.ts';
import type { ChangeRepos } from './change-store.ts';
import { expireChanges } from './expire-changes.ts';
import type { TransitionTx } from './transition.ts';

/** Every minute, once across replicas (a schedule job): an approval deadline is late by at most that. */
export const EXPIRY_SCHEDULE = { name: 'change-expiry', cron: '* * * * *' } as const;

/** What a person sees of an expiry: told in the change's thread, its card without buttons. */
export interface ExpiryNotices {
  expired(changeId: string): Promise<void>;
}

export interface ExpiryDeps {
  store: Pick<ChangeRepos, 'changes'> & Transactional<TransitionTx>;
  queue: JobQueue;
  notices: ExpiryNotices;
  log: Logger;
  now?: () => Date;
}

/**
 * Expires what is due; the ticket hears of it through the transition's followers (the outbox),
 * in the same transaction. A notice that fails is logged, not retried: the change has expired
 * either way, and the card shows it at its next refresh.
 */
export const runExpiry = async ({ store, notices, log, now = () => new Date() }: ExpiryDeps): Promise<string[]> => {
  const expired = await expireChanges(store, now());
  for (const changeId of expired) {
    log.info({ change: changeId }, 'approval window elapsed: change expired');
    await notices.expired(changeId).catch((error: Error) => log.warn({ err: error, change: changeId }, 'expiry notice not delivered'));
  }
  return expired;
};

export const registerChangeExpiry = async (deps: ExpiryDeps): Promise<void> => {
  await deps.queue.work<ScheduleFiring>(scheduleQueue(EXPIRY_SCHEDULE.name), async () => {
    await runExpiry(deps);
  });
};
