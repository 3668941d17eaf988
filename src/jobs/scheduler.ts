import cron from 'node-cron';
import type { JobQueue } from './job-queue.ts';

export interface Schedule {
  name: string;
  cron: string;
  timezone?: string;
}

export interface ScheduleFiring {
  schedule: string;
  /** The instant the cron expression named (not when this replica noticed): equal on every replica. */
  firedAt: string;
}

export const scheduleQueue = (name: string) => `schedule.${name}`;

/** Truncated to the second so replicas whose timers woke a few ms apart agree on the key. */
export const firingKey = (schedule: string, at: Date) => `${schedule}@${new Date(Math.floor(at.getTime() / 1000) * 1000).toISOString()}`;

/**
 * node-cron fires on every replica; each firing becomes a job keyed by schedule and instant, so
 * the queue keeps exactly one and one replica runs it. `onSent` hears of every firing that reached
 * the queue, so a caller can tell when firings work again after failing. Returns a function that
 * stops the timers.
 */
export const startSchedules = (
  schedules: Schedule[],
  queue: JobQueue,
  onError: (error: Error, schedule: string) => void,
  onSent: (schedule: string) => void = () => {},
): (() => Promise<void>) => {
  const tasks = schedules.map((schedule) =>
    cron.schedule(
      schedule.cron,
      async (context) => {
        const firing: ScheduleFiring = { schedule: schedule.name, firedAt: new Date(Math.floor(context.date.getTime() / 1000) * 1000).toISOString() };
        try {
          await queue.send(scheduleQueue(schedule.name), firing, { key: firingKey(schedule.name, context.date), retryLimit: 2 });
          onSent(schedule.name);
        } catch (error) {
          onError(error as Error, schedule.name);
        }
      },
      { name: `patchbot:${schedule.name}`, ...(schedule.timezone ? { timezone: schedule.timezone } : {}), noOverlap: true },
    ),
  );
  return async () => {
    await Promise.all(tasks.map((task) => task.destroy()));
  };
};
