import type { SqlClient } from '../../adapters/postgres/sql-client.ts';
import type { Patch } from '../../src/discovery/patch.ts';

/**
 * Patches as a store from before migration 023 holds them, written in SQL: today's upsert also
 * writes the weakest claim (severity_floor, security_floor), which such a store has no columns for.
 * For the tests of earlier migrations that need patches in place first.
 */
export const insertPatchesBefore023 = async (sql: Pick<SqlClient, 'query'>, patches: readonly Patch[], scanId: string | null = null): Promise<void> => {
  await sql.query(
    `insert into patches (id, title, severity, security, cves, reboot_hint, first_seen, first_scan_id)
     select p.id, p.title, p.severity, p.security, array(select jsonb_array_elements_text(p.cves)), p.reboot_hint, p.first_seen, $2
     from jsonb_to_recordset($1::jsonb) as p(id text, title text, severity text, security boolean, cves jsonb, reboot_hint boolean, first_seen timestamptz)`,
    [JSON.stringify(patches.map((p) => ({ ...p, reboot_hint: p.rebootHint, first_seen: p.firstSeen.toISOString() }))), scanId],
  );
};
