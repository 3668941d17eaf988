import type { QueueReports } from '../../src/jobs/job-queue.ts';

export interface QueueEvent {
  what: 'pollFailed' | 'polled' | 'error' | 'unreachable';
  /** The queue, for a poll. */
  name?: string;
  at: number;
}

/** What a job queue reports about itself, kept in order with the time each was said. */
export const recordedQueueReports = (): { reports: QueueReports; events: QueueEvent[] } => {
  const events: QueueEvent[] = [];
  const reports: QueueReports = {
    unreachable: () => void events.push({ what: 'unreachable', at: Date.now() }),
    reachable: () => {},
    pollFailed: (name) => void events.push({ what: 'pollFailed', name, at: Date.now() }),
    polled: (name) => void events.push({ what: 'polled', name, at: Date.now() }),
    error: () => void events.push({ what: 'error', at: Date.now() }),
  };
  return { reports, events };
};
