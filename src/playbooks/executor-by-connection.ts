import type { Connection } from '../inventory/host.ts';
import type { Executor } from './executor.ts';

/** One Executor over several: each host goes to the adapter its `connection` names. */
export const executorByConnection = (executors: Record<Connection, Executor>): Executor => ({
  open: (host) => executors[host.connection].open(host),
  close: async () => {
    await Promise.all(Object.values(executors).map((executor) => executor.close()));
  },
});
