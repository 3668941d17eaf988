import type PgBoss from 'pg-boss';
import type { JobContext, JobHandler, QueueReports } from '../../src/jobs/job-queue.ts';
import type { DatabaseWatch } from './database-watch.ts';
import { isConnectionLoss } from './store-errors.ts';

/** Longest pause between attempts after a failure that is not the database being away. */
const MAX_BACKOFF_MS = 5_000;
/**
 * While the database is away a pump waits for the watch (database-watch.ts), which lets it look as
 * soon as the database answers; on its own it looks again only at this pace, a net under the watch.
 */
export const AWAY_LOOK_MS = 30_000;
/** Attempts to record a job's end before it is left to expire (about five minutes at the cap). */
const PERSIST_ATTEMPTS = 60;
const UNIQUE_VIOLATION = '23505';

/** pg-boss's errors may be plain objects. */
const asError = (error: unknown): Error => (error instanceof Error ? error : Object.assign(new Error(String((error as { message?: unknown })?.message ?? error)), error));

/**
 * A bookkeeping or upkeep statement of the queue failed (a poll's failure is `pollFailed`): the
 * database being away was said by `watched` (pg-boss-queue.ts) already; anything else is said each time.
 */
export const reportTrouble = (reports: QueueReports, error: unknown): void => {
  if (isConnectionLoss(error)) return;
  reports.error(asError(error));
};

/** Doubling from the poll interval, capped, with jitter so replicas do not retry in step. */
export const backoffMs = (pollMs: number, failures: number): number => Math.min(MAX_BACKOFF_MS, Math.max(100, pollMs) * 2 ** Math.min(failures - 1, 10)) * (0.75 + Math.random() * 0.5);

/**
 * One poller per queue that keeps up to `concurrency` jobs in flight: it fetches only as many
 * jobs as it has free slots, so a slow host never holds others hostage (pg-boss's own batches
 * complete together) and an idle replica sends one query per interval, not one per slot.
 * Jobs that finish together are completed in one statement, and their slots refilled in one fetch.
 */
export class JobPump {
  private inFlight = 0;
  private stopped = false;
  private wakeUp: (() => void) | null = null;
  private readonly idle = new Set<() => void>();
  private loop: Promise<void> | null = null;
  private completions: Array<{ id: string; resolve: () => void; reject: (error: unknown) => void }> = [];
  private completing: Promise<void> | null = null;

  constructor(
    private readonly boss: PgBoss,
    /** The connection pg-boss is given (every statement watched): the pump's fetches go through it too. */
    private readonly db: PgBoss.Db,
    private readonly name: string,
    private readonly handler: JobHandler<unknown>,
    private readonly concurrency: number,
    private readonly pollMs: number,
    private readonly reports: QueueReports,
    /** `lookMs`: how often the pump looks on its own while the database is away (AWAY_LOOK_MS). */
    private readonly away: { watch: DatabaseWatch; lookMs: number },
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  /** A job was just sent on this replica: look now instead of at the next poll. */
  wake(): void {
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      const free = this.concurrency - this.inFlight;
      if (free > 0) {
        let jobs: Array<PgBoss.Job<unknown>>;
        try {
          jobs = await this.fetch(free);
          failures = 0;
          this.reports.polled(this.name);
        } catch (error) {
          // The database restarting must not end the loop (nor the process, as an unhandled
          // rejection would): report, back off, and look again; the loop resumes once it is back.
          failures++;
          this.reports.pollFailed(this.name, asError(error));
          await this.pause(error, backoffMs(this.pollMs, failures));
          continue;
        }
        for (const job of jobs) this.execute(job);
        // A full batch suggests more are waiting: fetch again at once instead of sleeping.
        if (jobs.length === free) continue;
      }
      await this.sleep(this.pollMs);
    }
  }

  /**
   * pg-boss's fetch swallows its statement's error and answers "no jobs", so a pump polled a
   * database that was away every second, as if all were well. Its statement goes through our
   * connection here, which keeps the error: the pump backs off and says it cannot fetch. A
   * unique violation stays "no jobs", as pg-boss means it (a singleton queue's job already active).
   */
  private async fetch(batchSize: number): Promise<Array<PgBoss.Job<unknown>>> {
    let failure: unknown = null;
    const db: PgBoss.Db = {
      executeSql: (text, values) =>
        this.db.executeSql(text, values).catch((error: unknown) => {
          if ((error as { code?: unknown })?.code !== UNIQUE_VIOLATION) failure = error;
          throw error;
        }),
    };
    const jobs = await this.boss.fetch<unknown>(this.name, { batchSize, db });
    if (failure !== null) throw asError(failure);
    return jobs;
  }

  /**
   * After a failed statement: while the database is away, until it answers again (the watch) or
   * `away.lookMs`; after any other failure, `backoff`.
   */
  private pause(error: unknown, backoff: number): Promise<void> {
    return isConnectionLoss(error) ? this.sleep(this.away.lookMs, this.away.watch.back()) : this.sleep(backoff);
  }

  /** Waits `ms`, or less if `wake()` is called or `until` settles first. */
  private async sleep(ms: number, until?: Promise<void>): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.wakeUp = done;
      void until?.then(done);
    });
    this.wakeUp = null;
  }

  private execute(job: PgBoss.Job<unknown>): void {
    this.inFlight++;
    // Detached so the pump keeps fetching: the job's errors go to boss.fail and the queue's reports in its catch.
    const context: JobContext = { id: job.id, name: job.name };
    void (async () => {
      let done = false;
      try {
        await this.handler(job.data, context);
        done = true;
        await this.complete(job.id);
      } catch (error) {
        // Done but not recorded (a long outage): failing it now would run it again at once.
        if (done) return this.reports.error(error as Error, context);
        // pg-boss retries per the job's retry policy; the message is kept on the job for inspection.
        // While the database is away the failure is recorded once it is back, so the retry comes
        // within seconds rather than when the job expires.
        this.reports.error(error as Error, context);
        await this.persisting(() => this.boss.fail(this.name, job.id, { message: (error as Error).message })).catch((e: Error) => this.reports.error(e, context));
      } finally {
        this.inFlight--;
        this.wake();
        if (this.inFlight === 0) for (const resolve of this.idle) resolve();
      }
    })();
  }

  /** Runs a bookkeeping statement until it succeeds, backing off while the database is away. */
  private async persisting(statement: () => Promise<unknown>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await statement();
        return;
      } catch (error) {
        if (this.stopped || attempt >= PERSIST_ATTEMPTS) throw error;
        reportTrouble(this.reports, error);
        // Not this.sleep: that is the fetch loop's, and a wake() meant for it would end this wait.
        const backoff = backoffMs(this.pollMs, attempt);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, backoff);
          if (isConnectionLoss(error))
            void this.away.watch.back().then(() => {
              clearTimeout(timer);
              resolve();
            });
        });
      }
    }
  }

  /**
   * Marks a job completed, together with the others that finish meanwhile: one statement for
   * all of them (group commit). Handlers that finish together — a batch of host scans committed
   * in one transaction — cost one round trip, not one each; a lone job is completed at once.
   */
  private complete(id: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.completions.push({ id, resolve, reject });
      this.completing ??= this.completeAll();
    });
  }

  private async completeAll(): Promise<void> {
    // Let every handler that finished in this turn of the event loop join the first statement.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.completions.length > 0) {
      const batch = this.completions.splice(0);
      try {
        // The work is done: while the database is away, keep trying to record that, or the job
        // would expire and run a second time. Only a stop (or a long outage) gives up.
        await this.persisting(() =>
          this.boss.complete(
            this.name,
            batch.map((c) => c.id),
          ),
        );
        for (const c of batch) c.resolve();
      } catch (error) {
        for (const c of batch) c.reject(error);
      }
    }
    this.completing = null;
  }

  /** Stops fetching; waits for running jobs up to `timeoutMs` (the rest expire and are retried elsewhere). */
  async stop(timeoutMs: number): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loop;
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.idle.add(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
