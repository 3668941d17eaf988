import type { EstateStore } from '../answers/estate.ts';
import type { Card } from '../card.ts';
import { coverClasses } from '../../inventory/cover-groups.ts';
import { classesOf, staticMembers } from '../../inventory/host-shapes.ts';
import { DIGEST_HOSTS_SHOWN, digestCard } from './digest-card.ts';
import { type DigestPlanning, digestWindows } from './digest-windows.ts';

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
 * and the hosts that need each, or null when it discovered nothing new. With `planning`, its
 * *Propose rollout* offers the windows to propose in; without, it is the digest as text (its
 * buttons are gone once someone decided).
 */
export const buildDigest = async (store: EstateStore, scanId: string, planning?: DigestPlanning): Promise<Card | null> => {
  const patches = await store.patches.firstSeenIn(scanId);
  if (patches.length === 0) return null;
  // Counted in the store, from counts kept as findings change: a first scan of an estate discovers
  // every patch it has, on every host. The cover behind the window choices weighs the inventory
  // by shape (a few thousand at 100,000 hosts), never host by host.
  const groups = planning ? await store.groups.list() : null;
  const affected = await store.findings.discovered(scanId, DIGEST_HOSTS_SHOWN, groups ? { named: staticMembers(groups) } : null);
  const windows = planning && groups ? digestWindows(planning, coverClasses(groups, classesOf(groups, affected.shapes ?? []))) : undefined;
  return digestCard(patches, affected, { scanId, freshness: await scanFreshness(store, scanId), ...(windows ? { windows } : {}) });
};
