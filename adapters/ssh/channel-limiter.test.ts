import { describe, expect, it } from 'vitest';
import { ChannelLimiter, ChannelLimiterClosedError } from './channel-limiter.ts';

const tick = () => new Promise((r) => setImmediate(r));

describe('ChannelLimiter', () => {
  it('never lets more than max run, and serves the queue in order', async () => {
    const limiter = new ChannelLimiter(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const job = async (i: number) => {
      const release = await limiter.acquire();
      running++;
      peak = Math.max(peak, running);
      order.push(i);
      await tick();
      running--;
      release();
      release(); // a second call must not free a second slot
    };
    await Promise.all(Array.from({ length: 7 }, (_, i) => job(i)));
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(limiter.active).toBe(0);
  });

  it('rejects queued and later acquires once closed, so callers can retry elsewhere', async () => {
    const limiter = new ChannelLimiter(1);
    const release = await limiter.acquire();
    const queued = limiter.acquire();
    limiter.close('connection lost');
    await expect(queued).rejects.toBeInstanceOf(ChannelLimiterClosedError);
    await expect(limiter.acquire()).rejects.toThrow(/connection lost/);
    release();
    expect(() => new ChannelLimiter(0)).toThrow(RangeError);
  });
});
