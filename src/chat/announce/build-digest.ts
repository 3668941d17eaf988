import type { EstateStore } from '../answers/estate.ts';
import { NEEDS_PATCH } from '../../discovery/patch.ts';
import type { Card } from '../card.ts';
import { digestCard } from './digest-card.ts';
import { type DigestPlanning, digestWindows } from './digest-windows.ts';

/**
 * Patches asked about per query: one query for a few of them, not one each (a first scan of an
 * estate discovers every patch it has), and no one answer that holds every host of all of them.
 */
const BATCH = 16;

const plural = (n: number, one: string) => `${n.toLocaleString('en-US')} ${one}${n === 1 ? '' : 's'}`;

/** "Scan scan-1: 38 of 40 hosts reached, 2 unreachable, 0 failed." from the scan's per-host results. */
export const scanFreshness = async (store: EstateStore, scanId: string): Promise<string> => {
  const results = await store.scans.results(scanId);
  if (results.length === 0) return `Scan ${scanId}: no host results recorded.`;
  const ok = results.filter((r) => r.outcome === 'ok').length;
  const unreachable = results.filter((r) => r.outcome === 'unreachable').length;
  const failed = results.filter((r) => r.outcome === 'failed').length;
  const finished = new Date(Math.max(...results.map((r) => r.finishedAt.getTime())));
  const problems = [unreachable ? `${unreachable} unreachable` : '', failed ? `${failed} failed` : ''].filter(Boolean);
  return `Scan ${scanId}: ${ok} of ${plural(results.length, 'host')} reached${problems.length ? `, ${problems.join(', ')}` : ''}; finished ${finished.toISOString().slice(0, 16).replace('T', ' ')} UTC.`;
};

/**
 * The digest of one finished scan (the onScanFinished hook posts it): the patches it discovered
 * and the hosts that need each, or null when it discovered nothing new. With `planning`, its
 * *Propose rollout* offers the windows to propose in; without, it is the digest as text (its
 * buttons are gone once someone decided).
 */
export const buildDigest = async (store: EstateStore, scanId: string, planning?: DigestPlanning): Promise<Card | null> => {
  const patches = await store.patches.firstSeenIn(scanId);
  if (patches.length === 0) return null;
  const affected = new Map<string, string[]>();
  for (let i = 0; i < patches.length; i += BATCH) {
    const batch = patches.slice(i, i + BATCH);
    const needing = await store.findings.hostsByPatch(
      batch.map((p) => p.id),
      NEEDS_PATCH,
    );
    for (const patch of batch) affected.set(patch.id, needing.get(patch.id) ?? []);
  }
  const windows = planning ? digestWindows(planning, await store.groups.list(), await store.hosts.list(), new Set([...affected.values()].flat())) : undefined;
  return digestCard(patches, affected, { scanId, freshness: await scanFreshness(store, scanId), ...(windows ? { windows } : {}) });
};
