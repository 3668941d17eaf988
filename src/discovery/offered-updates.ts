/**
 * Windows Update's identities of the updates one scan offered a host (IUpdate.Identity.UpdateID,
 * lower-case GUIDs), by the KB each is tracked as. A cumulative update stops being offered once a
 * newer one supersedes it; the newer one names the UpdateIDs it supersedes
 * (IUpdate.SupersededUpdateIDs), so the UpdateIDs the old KB was offered under, kept from an
 * earlier scan of the host, link it to its successor, which then takes over its SLA clock
 * (adapters/postgres/finding-close.ts). Kept per host, never in the catalog: a host says what it
 * was offered, not what an update is for other hosts.
 */
export interface OfferedUpdates {
  /** Per KB the scan lists, the UpdateIDs it was offered under (one KB: one update per product or architecture). */
  ids: ReadonlyMap<string, readonly string[]>;
  /** Per KB the scan lists, the UpdateIDs its updates supersede. */
  supersedes: ReadonlyMap<string, readonly string[]>;
}

/**
 * Which listed KB supersedes each UpdateID (the inverse of `supersedes`), of all or of `only`. Two
 * KBs superseding one UpdateID: the lower KB number, so that the same report always names the same successor.
 */
export const successorsOf = (offered: OfferedUpdates, only?: ReadonlySet<string>): Record<string, string> => {
  const by: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [kb, ids] of offered.supersedes) {
    for (const id of ids) {
      if (only && !only.has(id)) continue;
      const seen = by[id];
      if (seen === undefined || kbNumber(kb) < kbNumber(seen)) by[id] = kb;
    }
  }
  return by;
};

const kbNumber = (kb: string): number => Number(kb.slice(2));
