import { afterEach, describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../../adapters/postgres/migrate.ts';
import { openStore, type OpenedStore } from '../../adapters/postgres/open-store.ts';
import { patch, t } from './findings-fixtures.ts';
import { compareVersions } from '../support/fleet/tools/debian-version.ts';
import { dpkgOrder, hasDpkg, VERSION_PAIRS } from '../support/fleet/tools/debian-version-pairs.ts';
import { availableEngines, freshPostgresUrl, openFresh } from '../support/engines.ts';
import { insertPatchesBefore023 } from '../support/patches-before-023.ts';

/**
 * Migration 020 on both engines: Debian's version order in SQL (what the writers compare a version
 * that drops out of a report with), and findings stored before it: a version stored installed by
 * the scan that first listed a newer one still open becomes superseded, and the newer one takes
 * over its clock — what the rollouts' still-needed rule assumed of them until now.
 */
const PAIRS = VERSION_PAIRS;
const sign = (n: number) => Math.sign(n);

describe.each(availableEngines())('migration 020 on %s', (engine) => {
  let opened: OpenedStore | undefined;
  afterEach(async () => {
    await opened?.store.close();
    opened = undefined;
  });

  it('orders Debian versions as dpkg does, both ways round', async () => {
    opened = await openFresh(engine);
    const rows = await opened.sql.query<{ a: string; b: string; ab: number; ba: number }>(
      'select a, b, deb_version_cmp(a, b) as ab, deb_version_cmp(b, a) as ba from unnest($1::text[], $2::text[]) as p(a, b)',
      [PAIRS.map((p) => p[0]), PAIRS.map((p) => p[1])],
    );
    expect(rows.map((r) => [r.a, r.b, sign(r.ab), sign(r.ba)])).toEqual(PAIRS.map(([a, b]) => [a, b, sign(compareVersions(a, b)), sign(compareVersions(b, a))]));
    if (hasDpkg) expect(rows.map((r) => [r.a, r.b, sign(r.ab)])).toEqual(PAIRS.map(([a, b]) => [a, b, dpkgOrder(a, b)]));
    else console.warn('[skip] dpkg --compare-versions half: dpkg is not installed');
  });

  it('turns what the old writers stored installed for a newer version into superseded, with the clock carried', async () => {
    const url = engine === 'pglite' ? 'pglite://memory' : await freshPostgresUrl();
    opened = await openStore(url, { migrate: false });
    const all = await loadMigrations();
    await migrate(
      opened.sql,
      all.filter((m) => m.version < 20),
    );
    await insertPatchesBefore023(opened.sql, ['deb:libbar1@1.1-1', 'deb:libbar1@1.2-1', 'deb:libfoo1@2.0-1', 'deb:libfoo1@2.1-1', 'DSA-1', 'DSA-2'].map(patch));
    // web-01: 1.1-1 dropped out at t(5), the scan that first listed 1.2-1. libfoo1 2.0-1 was
    // installed at t(3), 2.1-1 first listed at t(6): the next update. An advisory is no package.
    await opened.sql.query(
      `insert into findings (host, patch_id, state, first_seen, changed_at, changed_in) values
         ('web-01', 'deb:libbar1@1.1-1', 'installed', $1, $3, 's5'), ('web-01', 'deb:libbar1@1.2-1', 'missing', $3, $3, 's5'),
         ('web-01', 'deb:libfoo1@2.0-1', 'installed', $1, $2, 's3'), ('web-01', 'deb:libfoo1@2.1-1', 'missing', $4, $4, 's6'),
         ('web-01', 'DSA-1', 'installed', $1, $3, 's5'), ('web-01', 'DSA-2', 'missing', $3, $3, 's5')`,
      [t(1), t(3), t(5), t(6)],
    );
    expect(
      (
        await migrate(
          opened.sql,
          all.filter((m) => m.version <= 20),
        )
      ).applied,
    ).toEqual(['020_superseded_findings']);
    expect((await opened.store.findings.byHost('web-01')).map((f) => [f.patchId, f.state, f.supersededBy ?? null, f.firstSeen.toISOString()])).toEqual([
      ['DSA-1', 'installed', null, t(1).toISOString()],
      ['DSA-2', 'missing', null, t(5).toISOString()],
      ['deb:libbar1@1.1-1', 'superseded', 'deb:libbar1@1.2-1', t(1).toISOString()],
      ['deb:libbar1@1.2-1', 'missing', null, t(1).toISOString()],
      ['deb:libfoo1@2.0-1', 'installed', null, t(1).toISOString()],
      ['deb:libfoo1@2.1-1', 'missing', null, t(6).toISOString()],
    ]);
    // The per-host facts the compliance summary reads were refreshed with it (migration 011's triggers).
    expect(await opened.sql.query(`select first_seen[2] as important from host_open_findings where host = 'web-01'`)).toEqual([{ important: t(1) }]);
  });
});
