import { StoreUnavailableError } from '../../shared/store-errors.ts';

/**
 * Runs `work`, again while the store is away (StoreUnavailableError), at most `tries` times:
 * for what a host run must write after its playbook ended — its outcome is real, and losing it
 * to a short outage would leave the run to be taken over and rechecked a lease and a half later.
 * Other errors, and the last StoreUnavailableError, are thrown.
 */
export const whileStoreAway = async <T>(work: () => Promise<T>, { tries, pauseMs }: { tries: number; pauseMs: number }): Promise<T> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof StoreUnavailableError) || attempt >= tries) throw error;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
};
