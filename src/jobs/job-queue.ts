/**
 * Durable work (scans, host runs, ticket updates, notifications) goes through this port, so it
 * survives restarts and any replica can take any job. One PostgreSQL-backed library implements it
 * (adapters/postgres/pg-boss-queue.ts).
 */
export interface SendOptions {
  /**
   * Idempotency key: sending twice with the same key enqueues once, across replicas. Schedules use
   * `<schedule>@<firing time>` so every replica's cron can fire and the job still runs once.
   */
  key?: string;
  startAfter?: Date;
  retryLimit?: number;
  retryDelaySeconds?: number;
  retryBackoff?: boolean;
  /** A job running longer than this is considered dead and retried. */
  expireInSeconds?: number;
}

export interface JobContext {
  id: string;
  name: string;
}

export type JobHandler<Data> = (data: Data, job: JobContext) => Promise<void>;

/**
 * A job's failure its own code has said already (an outage's one line, src/shared/failure-log.ts):
 * the queue retries the job as for any failure, and the runtime logs it only at debug, so an
 * outage is not said again per job and retry.
 */
export class AlreadySaidError extends Error {
  constructor(readonly said: Error) {
    super(said.message, { cause: said });
    this.name = 'AlreadySaidError';
  }
}

export interface WorkOptions {
  /** Jobs of this queue this replica runs at once. */
  concurrency?: number;
  pollingIntervalSeconds?: number;
}

/**
 * What a running queue says about itself, apart from what its callers are told. While the database
 * is away every poll, bookkeeping statement and upkeep run fails alike: that is one condition with
 * a start and an end (`unreachable` … `reachable`), not an error per attempt.
 */
export interface QueueReports {
  /** The database did not answer the queue; the queue keeps trying. */
  unreachable(error: Error): void;
  /** The database answered the queue (said after every poll: cheap when nothing was wrong). */
  reachable(): void;
  /**
   * This replica's poll of queue `name` failed: its jobs wait here until a poll works. Said per
   * attempt, like `unreachable`; the queue backs off meanwhile.
   */
  pollFailed(name: string, error: Error): void;
  /** A poll of queue `name` worked (said after every poll). */
  polled(name: string): void;
  /** Anything else: a job's handler threw (retried per its options), a statement was refused. */
  error(error: Error, job?: JobContext): void;
}

export interface JobQueue {
  /** Creates the queue if needed and starts working it on this replica. */
  work<Data>(name: string, handler: JobHandler<Data>, options?: WorkOptions): Promise<void>;
  /** Creates the queue if needed; sending needs no worker on this replica. */
  ensureQueue(name: string): Promise<void>;
  /** Returns the job id, or null when the key was already used (deduplicated). */
  send<Data extends object>(name: string, data: Data, options?: SendOptions): Promise<string | null>;
  /** Many jobs of one queue in few round trips (a scan of 1,000 hosts); keys deduplicate as in send. */
  sendMany<Data extends object>(name: string, jobs: Array<{ data: Data; options?: SendOptions }>): Promise<void>;
  /** Stops fetching; with `graceful`, waits for running handlers up to `timeoutMs`. */
  stop(options?: { graceful?: boolean; timeoutMs?: number }): Promise<void>;
}
