import { describe, expect, it } from 'vitest';
import { createChannelLanes } from './channel-lanes.ts';
import { createCoalescer } from './coalescer.ts';

/** A clock that only moves when someone sleeps: pacing measured without waiting for it. */
const virtualClock = () => {
  let now = 0;
  return { now: () => now, sleep: async (ms: number) => void (now += ms) };
};

describe('per-channel lanes', () => {
  it('lets a burst of 3 through, then paces one post per second, in order', async () => {
    const clock = virtualClock();
    const lanes = createChannelLanes({ burst: 3, perSecond: 1, ...clock });
    const sent: [string, number][] = [];
    await Promise.all(Array.from({ length: 6 }, (_, i) => lanes.run('C1', async () => void sent.push([`m${i}`, clock.now()]))));
    expect(sent).toEqual([
      ['m0', 0],
      ['m1', 0],
      ['m2', 0],
      ['m3', 1000],
      ['m4', 2000],
      ['m5', 3000],
    ]);
  });

  it('keeps channels independent, and a failed post does not block the ones after it', async () => {
    const clock = virtualClock();
    const lanes = createChannelLanes({ burst: 1, perSecond: 1, ...clock });
    const order: string[] = [];
    const failing = lanes.run('C1', async () => {
      order.push('C1 a');
      throw new Error('channel_not_found');
    });
    const after = lanes.run('C1', async () => void order.push('C1 b'));
    const other = lanes.run('C2', async () => void order.push('C2 a'));
    await expect(failing).rejects.toThrow('channel_not_found');
    await Promise.all([after, other]);
    expect(order).toEqual(['C1 a', 'C2 a', 'C1 b']);
  });
});

describe('coalesced edits', () => {
  it('sends the first edit, then only the newest of those that arrived meanwhile; every caller resolves', async () => {
    const sent: number[] = [];
    let release: () => void = () => undefined;
    let sending!: () => void;
    const firstSent = new Promise<void>((resolve) => (sending = resolve));
    const coalescer = createCoalescer<number>(async (_key, value) => {
      sent.push(value);
      if (value === 0) await new Promise<void>((resolve) => ((release = resolve), sending()));
    });
    const calls = Array.from({ length: 20 }, (_, i) => coalescer.submit('C1/1.0', i));
    // The first edit is on its way and the other 19 arrived meanwhile.
    await firstSent;
    release();
    await Promise.all(calls);
    expect(sent).toEqual([0, 19]);
  });

  it('gives the failure of an edit to everyone whose edit it carried', async () => {
    let release: () => void = () => undefined;
    const coalescer = createCoalescer<number>(async (_key, value) => {
      if (value === 0) await new Promise<void>((resolve) => (release = resolve));
      else throw new Error('message_not_found');
    });
    const first = coalescer.submit('k', 0);
    const second = coalescer.submit('k', 1);
    const third = coalescer.submit('k', 2);
    release();
    await expect(first).resolves.toBeUndefined();
    await expect(second).rejects.toThrow('message_not_found');
    await expect(third).rejects.toThrow('message_not_found');
    await coalescer.idle();
  });
});
