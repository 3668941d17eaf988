import type { Host } from '../inventory/host.ts';

/**
 * Caps hosts in flight on this replica: a global limit, and per tag at most N hosts sharing one
 * value (`{ cluster: 1 }`: never both members of an HA pair at once). Waiters are served in
 * arrival order as long as their own caps allow, so one blocked cluster does not stall the rest.
 */
export class HostLimiter {
  private readonly active = new Map<string, Host>();
  private readonly waiting: Array<{ host: Host; grant: () => void }> = [];

  constructor(
    private readonly concurrency: number,
    private readonly perTag: Record<string, number> = {},
  ) {}

  private fits(host: Host): boolean {
    if (this.active.size >= this.concurrency) return false;
    return Object.entries(this.perTag).every(([tag, limit]) => {
      const value = host.tags[tag];
      if (value === undefined) return true;
      let same = 0;
      for (const other of this.active.values()) if (other.tags[tag] === value) same++;
      return same < limit;
    });
  }

  /** Resolves with a release function once the host may start. */
  acquire(host: Host): Promise<() => void> {
    return new Promise((resolve) => {
      const grant = () => {
        const token = `${host.name}#${Math.random()}`;
        this.active.set(token, host);
        resolve(() => {
          if (this.active.delete(token)) this.drain();
        });
      };
      if (this.waiting.length === 0 && this.fits(host)) grant();
      else {
        this.waiting.push({ host, grant });
        this.drain();
      }
    });
  }

  private drain(): void {
    for (let i = 0; i < this.waiting.length;) {
      const next = this.waiting[i]!;
      if (this.fits(next.host)) {
        this.waiting.splice(i, 1);
        next.grant();
      } else i++;
    }
  }

  get inFlight(): number {
    return this.active.size;
  }
}
