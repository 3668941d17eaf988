// A request whose answer was lost (the network, a proxy's 502) may have been carried out. Sent
// again, it reuses its id, and the server drops the repeat (it keeps each person's ids): a
// `/patch propose` retyped after a timeout proposes once.
import { randomId } from './dom.js';

/** A network failure or a 5xx: the server may have done it. A 4xx said no, and nothing was done. */
const mayHaveHappened = (error) => error.status === undefined || error.status >= 500;
const KEPT = 20;

export const createRetryIds = () => {
  const unanswered = new Map();
  return {
    /** Runs `send(id)`; the id is the one of the last unanswered attempt with the same `key`, else new. */
    async attempt(key, send) {
      const id = unanswered.get(key) ?? randomId();
      unanswered.delete(key);
      try {
        return await send(id);
      } catch (error) {
        if (mayHaveHappened(error)) {
          unanswered.set(key, id);
          if (unanswered.size > KEPT) unanswered.delete(unanswered.keys().next().value);
        }
        throw error;
      }
    },
  };
};
