import type { EstateStore } from '../answers/estate.ts';
import { NEEDS_PATCH } from '../../discovery/patch.ts';
import type { Card } from '../card.ts';
import type { Patch } from '../../discovery/patch.ts';
import { DIGEST_HOSTS_SHOWN, digestCard } from './digest-card.ts';
import { type DigestPlanning, digestWindows } from './digest-windows.ts';

/** Patches asked about per query when the window choices need every affected host by name. */
const BATCH = 16;

/** Every host that needs one of `patches`: what the window choices' production check covers. */
const affectedHosts = async (store: EstateStore, patches: readonly Patch[]): Promise<Set<string>> => {
  const hosts = new Set<string>();
  for (let i = 0; i < patches.length; i += BATCH) {
    const needing = await store.findings.hostsByPatch(
      patches.slice(i, i + BATCH).map((p) => p.id),
      NEEDS_PATCH,
    );
    for (const names of needing.values()) for (const name of names) hosts.add(name);
  }
  return hosts;
};

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
  // Counted in the store: a first scan of an estate discovers every patch it has, on every host.
  const affected = await store.findings.needing(
    patches.map((p) => p.id),
    NEEDS_PATCH,
    DIGEST_HOSTS_SHOWN,
  );
  const windows = planning ? digestWindows(planning, await store.groups.list(), await store.hosts.list(), await affectedHosts(store, patches)) : undefined;
  return digestCard(patches, affected, { scanId, freshness: await scanFreshness(store, scanId), ...(windows ? { windows } : {}) });
};
