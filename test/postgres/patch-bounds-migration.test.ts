import { afterEach, describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../../adapters/postgres/migrate.ts';
import { openSqlClient } from '../../adapters/postgres/open-store.ts';
import type { SqlClient } from '../../adapters/postgres/sql-client.ts';
import { availableEngines, freshPostgresUrl } from '../support/engines.ts';

/** Migration 019: a catalog poisoned before the bounds existed (review finding 3) is repaired, then held to them. */
describe.each(availableEngines())('migration 019 on %s', (engine) => {
  let sql: SqlClient | null = null;
  afterEach(async () => sql?.close());

  it('clips stored giant titles and CVE lists, removes control characters, and refuses new giants', async () => {
    sql = await openSqlClient(engine === 'pglite' ? 'pglite://memory' : await freshPostgresUrl());
    const all = await loadMigrations();
    await migrate(
      sql,
      all.filter((m) => m.version < 19),
    );
    const cves = [...Array.from({ length: 300 }, (_, i) => `CVE-2024-${10000 + i}`), `CVE-2024-${'9'.repeat(5000)}`];
    const insert = `insert into patches (id, title, severity, security, cves, reboot_hint, first_seen) values ($1, $2, 'critical', true, $3::text[], false, now())`;
    await sql.query(insert, ['KB5034441', 'T'.repeat(100_000), [`CVE-2024-${'9'.repeat(5000)}`, ...cves]]);
    await sql.query(insert, ['KB5034442', 'Update \u001b[2K\u009b31mfaked', ['CVE-2024-12345']]);
    await sql.query(insert, ['KB5034443', 'A normal title', ['CVE-2024-12345']]);
    await migrate(sql, all);
    const rows = await sql.query<{ id: string; title: string; cves: string[] }>('select id, title, cves from patches order by id');
    expect(rows.map((r) => [r.id, r.title.length, r.cves.length])).toEqual([
      ['KB5034441', 500, 200],
      ['KB5034442', 18, 1],
      ['KB5034443', 14, 1],
    ]);
    expect(rows[0]!.title).toBe(`${'T'.repeat(499)}…`);
    expect(rows[0]!.cves).toEqual(cves.slice(0, 200));
    expect(rows[1]!.title).toBe('Update [2K31mfaked');
    // Rows since migration 023 also hold the weakest claim.
    const insertNow = `insert into patches (id, title, severity, security, cves, reboot_hint, first_seen, severity_floor, security_floor) values ($1, $2, 'critical', true, $3::text[], false, now(), 'critical', true)`;
    await expect(sql.query(insertNow, ['KB5034444', 'T'.repeat(501), []])).rejects.toThrow(/patches_title_bounded/);
    await expect(sql.query(insertNow, ['KB5034445', 'ok', cves])).rejects.toThrow(/patches_cves_bounded/);
  });
});
