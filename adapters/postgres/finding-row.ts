import type { Finding } from '../../src/discovery/patch.ts';

/** A findings row as stored, and as a Finding: shared by the repository and the scoped reads. */
export interface FindingRow {
  host: string;
  patch_id: string;
  state: Finding['state'];
  first_seen: Date;
  last_seen: Date;
  scan_id: string;
}

export const toFinding = (row: FindingRow): Finding => ({
  host: row.host,
  patchId: row.patch_id,
  state: row.state,
  firstSeen: row.first_seen,
  lastSeen: row.last_seen,
  scanId: row.scan_id,
});
