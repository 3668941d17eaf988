import type { OfferedUpdates } from '../../src/discovery/offered-updates.ts';
import { successorsOf } from '../../src/discovery/offered-updates.ts';
import type { SqlClient } from './sql-client.ts';

/** KB → the UpdateIDs it was offered under, as host_findings_seen.offered_updates keeps it (migration 022). */
export type StoredOffer = Record<string, string[]>;

/**
 * The stored offers of the hosts whose reports carry UpdateIDs, read after their sightings are
 * locked (LOCK_SIGHTINGS), so they are what the writing statement will see. No query when none does.
 */
export const storedOffers = async (tx: SqlClient, hosts: readonly string[]): Promise<Map<string, StoredOffer | null>> => {
  if (hosts.length === 0) return new Map();
  const rows = await tx.query<{ host: string; offered_updates: StoredOffer | null }>('select host, offered_updates from host_findings_seen where host = any($1::text[])', [hosts]);
  return new Map(rows.map((r) => [r.host, r.offered_updates]));
};

const sameOffer = (a: StoredOffer | null, b: Record<string, readonly string[]>): boolean => {
  if (!a) return false;
  const keys = Object.keys(b);
  return keys.length === Object.keys(a).length && keys.every((kb) => a[kb]?.length === b[kb]!.length && a[kb].every((id, i) => id === b[kb]![i]));
};

/**
 * What a report says of its Windows updates, as the writers pass it into `d` (finding-close.ts):
 * `offered` (KB → the UpdateIDs it was offered under), stored with the host's sighting for the
 * next report (`offered_same`: as stored, so not sent again), and `successor_of` (UpdateID → the
 * KB of this report that supersedes it). A cumulative update supersedes tens to hundreds of
 * UpdateIDs, so `successor_of` holds only those of the KBs that can close: offered before
 * (`stored`) and not reported now. Null when none (nearly every rescan): nothing is looked up.
 * Empty for a report without UpdateIDs (every non-Windows host).
 */
export const offeredColumns = (
  offered: OfferedUpdates | undefined,
  stored: StoredOffer | null | undefined,
  reported: readonly string[],
): { offered: Record<string, readonly string[]> | null; offered_same: boolean; successor_of: Record<string, string> | null } | Record<string, never> => {
  if (!offered) return {};
  const now = Object.fromEntries(offered.ids);
  const listed = new Set(reported);
  const closing = new Set(
    Object.entries(stored ?? {})
      .filter(([kb]) => !listed.has(kb))
      .flatMap(([, ids]) => ids),
  );
  const successors = closing.size ? successorsOf(offered, closing) : {};
  const same = sameOffer(stored ?? null, now);
  return { offered: same ? null : now, offered_same: same, successor_of: Object.keys(successors).length ? successors : null };
};
