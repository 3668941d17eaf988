import type { EstateStore } from '../answers/estate.ts';
import { NEEDS_PATCH } from '../../discovery/patch.ts';
import type { Card } from '../card.ts';
import { DIGEST_HOSTS_SHOWN, digestCard } from './digest-card.ts';

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
 * and the hosts that need each, or null when it discovered nothing new.
 */
export const buildDigest = async (store: EstateStore, scanId: string): Promise<Card | null> => {
  const patches = await store.patches.firstSeenIn(scanId);
  if (patches.length === 0) return null;
  // Counted in the store: a first scan of an estate discovers every patch it has, on every host.
  const affected = await store.findings.needing(
    patches.map((p) => p.id),
    NEEDS_PATCH,
    DIGEST_HOSTS_SHOWN,
  );
  return digestCard(patches, affected, { scanId, freshness: await scanFreshness(store, scanId) });
};
