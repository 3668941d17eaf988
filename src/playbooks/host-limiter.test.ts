import { describe, expect, it } from 'vitest';
import type { Host } from '../inventory/host.ts';
import { HostLimiter } from './host-limiter.ts';

const host = (name: string, cluster?: string): Host => ({
  name,
  address: name,
  port: 22,
  user: 'root',
  os: 'debian',
  groups: [],
  tags: cluster ? { cluster } : {},
  connection: 'ssh',
});

/**
 * Runs every host through the limiter and records who overlapped whom. A task holds its slot for
 * one turn of the event loop: by then every host the limiter lets in has started (grants are
 * promise callbacks, which all run before the next turn), so the peak is what the limits allow.
 */
const run = async (limiter: HostLimiter, hosts: Host[]) => {
  const running = new Set<Host>();
  const overlaps: string[][] = [];
  let peak = 0;
  await Promise.all(
    hosts.map(async (h) => {
      const release = await limiter.acquire(h);
      running.add(h);
      peak = Math.max(peak, running.size);
      overlaps.push([...running].map((r) => r.name).sort());
      await new Promise((r) => setImmediate(r));
      running.delete(h);
      release();
    }),
  );
  return { peak, overlaps };
};

describe('HostLimiter', () => {
  it('never exceeds the global limit and runs everyone', async () => {
    const hosts = Array.from({ length: 12 }, (_, i) => host(`h${i}`));
    const { peak, overlaps } = await run(new HostLimiter(3), hosts);
    expect(peak).toBe(3);
    expect(overlaps).toHaveLength(12);
  });

  it('keeps two hosts of one cluster apart, while other clusters proceed', async () => {
    const hosts = [host('a1', 'a'), host('a2', 'a'), host('b1', 'b'), host('b2', 'b'), host('solo')];
    const { overlaps, peak } = await run(new HostLimiter(10, { cluster: 1 }), hosts);
    for (const group of overlaps) {
      expect(group.filter((n) => n.startsWith('a')).length).toBeLessThanOrEqual(1);
      expect(group.filter((n) => n.startsWith('b')).length).toBeLessThanOrEqual(1);
    }
    expect(peak).toBe(3);
  });
});
