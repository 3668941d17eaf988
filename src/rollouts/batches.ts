/**
 * Cutting a wave into batches of at most `concurrency` hosts. Batches are balanced (10 hosts at
 * concurrency 4: 4, 3, 3 — not 4, 4, 2) since the number of batches, not their fill, sets the
 * wave's length.
 *
 * With `spreadBy: <tag>`, hosts sharing a tag value (an HA pair, a cluster) never share a batch.
 * When the largest such set has more members than there would be batches, the wave gets as many
 * batches as that set has members: the guarantee holds and the wave runs in more, smaller
 * batches. (A 3-node cluster in a 4-host wave at concurrency 5: 3 batches, not 1.)
 */
import type { Host } from '../inventory/host.ts';

export interface Batching {
  batches: string[][];
  /** Set when spreadBy forced more batches than concurrency alone: the largest tag set. */
  widenedBy: { value: string; size: number } | null;
}

/** Hosts by tag value, largest set first; hosts without the tag stand alone. */
const tagSets = (hosts: readonly Host[], tag: string): { value: string | null; names: string[] }[] => {
  const byValue = new Map<string, string[]>();
  const alone: { value: null; names: string[] }[] = [];
  for (const host of hosts) {
    const value = host.tags[tag];
    if (value === undefined) alone.push({ value: null, names: [host.name] });
    else byValue.set(value, [...(byValue.get(value) ?? []), host.name]);
  }
  const sets = [...[...byValue].map(([value, names]) => ({ value, names })), ...alone];
  return sets.sort((a, b) => b.names.length - a.names.length || a.names[0]!.localeCompare(b.names[0]!));
};

export const batchesFor = (hosts: readonly Host[], concurrency: number, spreadBy: string | null): Batching => {
  if (hosts.length === 0) return { batches: [], widenedBy: null };
  const byConcurrency = Math.ceil(hosts.length / concurrency);
  if (spreadBy === null) {
    const size = Math.floor(hosts.length / byConcurrency);
    const bigger = hosts.length % byConcurrency;
    const batches: string[][] = [];
    let at = 0;
    for (let b = 0; b < byConcurrency; b++) {
      const take = size + (b < bigger ? 1 : 0);
      batches.push(hosts.slice(at, at + take).map((h) => h.name));
      at += take;
    }
    return { batches, widenedBy: null };
  }
  const sets = tagSets(hosts, spreadBy);
  const largest = sets[0]!;
  const count = Math.max(byConcurrency, largest.names.length);
  // Dealt round-robin: a set's members are consecutive and at most `count`, so each lands in a
  // different batch; and no batch gets more than ceil(n / count) ≤ concurrency hosts.
  const batches: string[][] = Array.from({ length: count }, () => []);
  sets.flatMap((set) => set.names).forEach((name, i) => batches[i % count]!.push(name));
  const widenedBy = count > byConcurrency && largest.value !== null ? { value: largest.value, size: largest.names.length } : null;
  return { batches: batches.map((batch) => batch.sort((a, b) => a.localeCompare(b))), widenedBy };
};
