interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface Next<T> {
  value: T;
  waiters: Waiter[];
}

export interface Coalescer<T> {
  /**
   * Sends `value` for `key`, unless a send for that key is in flight: then `value` waits, replacing
   * whatever was waiting before it. Resolves once `value`, or a later value that replaced it, is sent.
   */
  submit(key: string, value: T): Promise<void>;
  idle(): Promise<void>;
}

/**
 * Latest-wins edits of one message ("Wave 2 of 3: 18 / 40" …): at most one edit in flight and one
 * waiting per message, so a burst of progress never becomes a queue of stale chat.update calls
 * (or a 429 storm of them), and the message always ends on the newest card.
 */
export const createCoalescer = <T>(send: (key: string, value: T) => Promise<void>): Coalescer<T> => {
  const slots = new Map<string, { next: Next<T> | null; done: Promise<void> }>();

  const drive = async (key: string, first: Next<T>) => {
    let current: Next<T> | null = first;
    while (current) {
      try {
        await send(key, current.value);
        for (const w of current.waiters) w.resolve();
      } catch (error) {
        for (const w of current.waiters) w.reject(error);
      }
      const slot = slots.get(key)!;
      current = slot.next;
      slot.next = null;
    }
    slots.delete(key);
  };

  return {
    submit(key, value) {
      return new Promise<void>((resolve, reject) => {
        const waiter = { resolve, reject };
        const slot = slots.get(key);
        if (!slot) {
          const entry = { next: null, done: Promise.resolve() };
          slots.set(key, entry);
          entry.done = drive(key, { value, waiters: [waiter] });
          return;
        }
        // Whoever was waiting is satisfied by this newer value: it inherits their waiters.
        slot.next = { value, waiters: [...(slot.next?.waiters ?? []), waiter] };
      });
    },
    async idle() {
      await Promise.all([...slots.values()].map((slot) => slot.done));
    },
  };
};
