import type { OfferedUpdates } from '../offered-updates.ts';
import { excerpt, ScanParseError } from './scan-result.ts';
import { DEPTH_HINT, isDepthArtifact } from './windows-json.ts';

/**
 * At most this many superseded UpdateIDs per scan are kept. A cumulative update supersedes its
 * product's earlier ones (tens, a few hundred at most); the cap keeps what a hostile host can make
 * the store read per scan small (each is ~40 bytes).
 */
export const MAX_SUPERSEDED = 20_000;

/** IUpdate.Identity.UpdateID: a GUID without braces, as the Update Agent prints it. */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One offered update as the scan printed it, with the KB the parser tracks it as (null: skipped). */
export interface OfferedEntry {
  kb: string | null;
  UpdateID?: string | null | undefined;
  SupersededUpdateIDs?: readonly string[] | undefined;
}

const guidOf = (host: string, value: string, where: string): string => {
  if (isDepthArtifact(value)) throw new ScanParseError(host, `${where} is ${excerpt(value)}, not an UpdateID`, DEPTH_HINT);
  if (!GUID.test(value)) throw new ScanParseError(host, `${where} is ${excerpt(value)}, not an UpdateID (a GUID such as "8f1a3d5e-0c2b-4e7a-9d61-5b3c2a1f0e9d")`);
  return value.toLowerCase();
};

/**
 * The UpdateIDs of the updates a Windows scan offered, per tracked KB, and those each supersedes
 * (OfferedUpdates). Undefined for a scan printed before they were (no update has an UpdateID):
 * such a scan links no KB to a successor, as before. A document with them is checked whole: an
 * UpdateID that is not a GUID, or one update without while others have one, fails the scan.
 */
export function offeredUpdatesOf(host: string, entries: readonly OfferedEntry[], warnings: string[]): OfferedUpdates | undefined {
  const printed = entries.some((e) => e.UpdateID != null || e.SupersededUpdateIDs !== undefined);
  if (!printed) return undefined;
  const ids = new Map<string, Set<string>>();
  const supersedes = new Map<string, Set<string>>();
  let kept = 0;
  let dropped = 0;
  for (const [i, e] of entries.entries()) {
    if (e.UpdateID == null) throw new ScanParseError(host, `missing[${i}] has no UpdateID while other updates have one`);
    const id = guidOf(host, e.UpdateID, `missing[${i}].UpdateID`);
    const superseded = (e.SupersededUpdateIDs ?? []).map((s, n) => guidOf(host, s, `missing[${i}].SupersededUpdateIDs[${n}]`));
    // An update without a KB is not tracked, so it cannot take over a clock (windows.ts skips it).
    if (e.kb === null) continue;
    ids.set(e.kb, (ids.get(e.kb) ?? new Set()).add(id));
    const set = supersedes.get(e.kb) ?? new Set<string>();
    for (const s of superseded) {
      if (set.has(s)) continue;
      if (kept >= MAX_SUPERSEDED) dropped++;
      else {
        set.add(s);
        kept++;
      }
    }
    supersedes.set(e.kb, set);
  }
  if (dropped) warnings.push(`the updates offered supersede ${kept + dropped} UpdateIDs; kept the first ${MAX_SUPERSEDED}`);
  const lists = (m: Map<string, Set<string>>) => new Map([...m].map(([kb, s]) => [kb, [...s]]));
  return { ids: lists(ids), supersedes: lists(supersedes) };
}
