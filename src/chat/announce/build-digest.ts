import type { EstateStore } from '../answers/estate.ts';
import { NEEDS_PATCH } from '../../discovery/patch.ts';
import type { Card } from '../card.ts';
import { DIGEST_HOSTS_SHOWN, digestCard } from './digest-card.ts';

const plural = (n: number, one: string) => `${n.toLocaleString('en-US')} ${one}${n === 1 ? '' : 's'}`;

/** "Scan scan-1: 38 of 40 hosts reached, 2 unreachable, 0 failed." from the scan's per-host results, counted in the store. */
export const scanFreshness = async (store: EstateStore, scanId: string): Promise<string> => {
  const progress = await store.scans.progress(scanId);
  if (!progress || progress.done === 0 || !progress.lastResultAt) return `Scan ${scanId}: no host results recorded.`;
  const { ok, unreachable, failed, done, lastResultAt } = progress;
  const problems = [unreachable ? `${unreachable} unreachable` : '', failed ? `${failed} failed` : ''].filter(Boolean);
  return `Scan ${scanId}: ${ok} of ${plural(done, 'host')} reached${problems.length ? `, ${problems.join(', ')}` : ''}; finished ${lastResultAt.toISOString().slice(0, 16).replace('T', ' ')} UTC.`;
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
