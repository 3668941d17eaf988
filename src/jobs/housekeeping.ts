import type { DiscoveryRepos } from '../discovery/discovery-store.ts';
import type { SignInSessionRepos } from '../people/sign-in-sessions.ts';
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

/**
 * How long scan history (per-host results of past scans) and findings of installed patches are
 * kept, and patches nothing refers to (from their first sighting). None of it is what the answers
 * read — each host's latest scan is kept apart, open findings are never removed, and a patch that
 * a finding or a change names stays — so history grows with time, not with the estate, only this
 * far. A quarter covers the longest default SLA's audit questions ("when was this installed?")
 * short of `low` (180 d), whose open findings stay anyway.
 */
export const HISTORY_RETENTION_DAYS = 90;

export interface HousekeepingDeps {
  store: IdempotencyRepos & SignInSessionRepos & Pick<DiscoveryRepos, 'scans' | 'findings' | 'patches'>;
  queue: JobQueue;
  log: Logger;
  now?: () => Date;
}

/** Removes what only exists to stop duplicates once no duplicate can come any more, history past its retention, and dead sign-in sessions. */
const housekeep = async ({ store, log, now = () => new Date() }: HousekeepingDeps): Promise<void> => {
  const before = new Date(now().getTime() - IDEMPOTENCY_RETENTION_DAYS * 86_400_000);
  const removed = await store.idempotency.prune(before);
  if (removed) log.info({ removed, before }, `idempotency keys older than ${IDEMPOTENCY_RETENTION_DAYS} days removed`);
  const history = new Date(now().getTime() - HISTORY_RETENTION_DAYS * 86_400_000);
  const scans = await store.scans.pruneHistory(history);
  const installed = await store.findings.pruneInstalled(history);
  if (scans || installed) log.info({ scans, installed, before: history }, `scan history and installed or superseded findings older than ${HISTORY_RETENTION_DAYS} days removed`);
  // After the findings: a patch whose last finding just went goes in the same run. Hosts invent
  // ids and package versions are superseded every month; what no finding or change names is history.
  const patches = await store.patches.pruneUnreferenced(history);
  if (patches) log.info({ patches, before: history }, `patches first seen over ${HISTORY_RETENTION_DAYS} days ago that no finding or change refers to removed`);
  // A console sign-in that ended or expired can never be used again: nothing to keep it for.
  const sessions = await store.signInSessions.prune(now());
  if (sessions) log.info({ sessions }, 'ended and expired console sign-in sessions removed');
};

export const registerHousekeeping = async (deps: HousekeepingDeps): Promise<void> => {
  await deps.queue.work(scheduleQueue(HOUSEKEEPING_SCHEDULE.name), () => housekeep(deps));
};
