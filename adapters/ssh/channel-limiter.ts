/**
 * Caps concurrent channels on one SSH connection. OpenSSH allows MaxSessions (default 10)
 * channels per connection and answers the next open with "open failed"; queueing above a lower
 * cap turns a burst of parallel runs into a wait instead of a failure.
 */
export class ChannelLimiterClosedError extends Error {
  constructor(reason: string) {
    super(`channel queue closed: ${reason}`);
    this.name = 'ChannelLimiterClosedError';
  }
}

type Waiter = { resolve: (release: () => void) => void; reject: (error: Error) => void };

export class ChannelLimiter {
  private running = 0;
  private readonly waiters: Waiter[] = [];
  private closedReason: string | null = null;

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`channel limit must be a positive integer, got ${max}`);
  }

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiters.length;
  }

  /** Resolves with a release function once a slot is free; call it exactly when the channel has closed. */
  acquire(): Promise<() => void> {
    if (this.closedReason !== null) return Promise.reject(new ChannelLimiterClosedError(this.closedReason));
    if (this.running < this.max) {
      this.running++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Rejects every queued waiter (their commands never started, so the caller may retry them elsewhere). */
  close(reason: string): void {
    if (this.closedReason !== null) return;
    this.closedReason = reason;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new ChannelLimiterClosedError(reason));
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.closedReason === null ? this.waiters.shift() : undefined;
      // Hand the slot straight to the next waiter so a release cannot be overtaken.
      if (next) next.resolve(this.releaser());
      else this.running--;
    };
  }
}
