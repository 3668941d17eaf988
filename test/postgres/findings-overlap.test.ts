import { afterEach, describe, expect, it } from 'vitest';
import type { OpenedStore } from '../../adapters/postgres/open-store.ts';
import type { SqlClient } from '../../adapters/postgres/sql-client.ts';
import { sqlStore } from '../../adapters/postgres/sql-store.ts';
import { ok, patch, prepared, t } from './findings-fixtures.ts';
import { availableEngines, openFresh } from '../support/engines.ts';
import { until } from '../support/until.ts';

/**
 * Two writers of one host's findings at once (migration 016's sighting lock): on the PostgreSQL
 * server only, since PGlite has one connection and its transactions never overlap.
 */

/**
 * Two connections writing at once, as two replicas would: `first` runs in a transaction held open
 * until `second` (started once `first` wrote) waits on a lock, which then commits; both awaited.
 */
const whileHeldOpen = async (sql: SqlClient, first: (tx: SqlClient) => Promise<unknown>, second: () => Promise<unknown>, waiting: string) => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let wrote!: () => void;
  const written = new Promise<void>((resolve) => (wrote = resolve));
  const holder = sql.transaction(async (tx) => {
    await first(tx);
    wrote();
    await held;
  });
  await Promise.race([written, holder]);
  const after = second();
  await until(waiting, async () => {
    const [row] = await sql.query<{ n: number }>(`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
    return row!.n > 0;
  });
  release();
  await Promise.all([holder, after]);
};

// Two connections writing at once: PGlite has one, so its transactions never overlap.
describe.each(availableEngines().filter((engine) => engine === 'postgres'))('overlapping scan writes on %s', (engine) => {
  let opened: OpenedStore | undefined;
  afterEach(async () => {
    await opened?.store.close();
    opened = undefined;
  });
  const read = async (host: string) => (await opened!.store.findings.byHost(host)).map((f) => [f.patchId, f.state, f.scanId, f.lastSeen.toISOString()]);

  it('stores two overlapping scans of one host, the later writer waiting for the earlier and leaving it the findings it inserted', async () => {
    opened = await openFresh(engine);
    const { store, sql } = opened;
    await store.patches.upsert(['DSA-1', 'DSA-2'].map(patch));
    await store.scans.start('s1', 'schedule', ['web-01'], t(1));
    await store.scans.start('s2', 'manual', ['web-01'], t(2));
    const both = [
      { patchId: 'DSA-1', state: 'missing' as const },
      { patchId: 'DSA-2', state: 'missing' as const },
    ];
    // The first scan's batch stays uncommitted while the second writes the same new findings: the
    // second waits for it.
    await whileHeldOpen(
      sql,
      (tx) => sqlStore(tx).scans.recordMany([{ result: ok('s1', 'web-01', t(1)), findings: both }]),
      () => store.scans.recordMany([{ result: ok('s2', 'web-01', t(2)), findings: both }]),
      'the second scan write to wait on the first',
    );
    expect(await read('web-01')).toEqual([
      ['DSA-1', 'missing', 's2', t(2).toISOString()],
      ['DSA-2', 'missing', 's2', t(2).toISOString()],
    ]);
    expect((await store.findings.byHost('web-01')).map((f) => f.firstSeen)).toEqual([t(1), t(1)]);
  });

  it('stores a finding a scan reopens while housekeeping prunes it', async () => {
    opened = await openFresh(engine);
    const { store, sql } = opened;
    await store.patches.upsert([patch('DSA-1')]);
    for (const [scan, day] of [
      ['s1', 1],
      ['s2', 2],
      ['s3', 6],
    ] as const)
      await store.scans.start(scan, 'schedule', ['web-01'], t(day));
    await store.scans.recordMany([{ result: ok('s1', 'web-01', t(1)), findings: [{ patchId: 'DSA-1', state: 'missing' }] }]);
    await store.scans.recordMany([{ result: ok('s2', 'web-01', t(2)), findings: [] }]);
    // Housekeeping deletes the old installed finding and has not committed yet when s3, which
    // sees the patch missing again (a package downgraded), is written.
    await whileHeldOpen(
      sql,
      async (tx) => expect(await sqlStore(tx).findings.pruneInstalled(t(5))).toBe(1),
      () => store.scans.recordMany([{ result: ok('s3', 'web-01', t(6)), findings: [{ patchId: 'DSA-1', state: 'missing' }] }]),
      'the scan write to wait on housekeeping',
    );
    expect((await store.findings.byHost('web-01')).map((f) => [f.patchId, f.state, f.scanId])).toEqual([['DSA-1', 'missing', 's3']]);
  });

  it('lets the second of two overlapping writers of one host read what the first wrote, so its fingerprint describes the rows', async () => {
    opened = await prepared(engine, ['DSA-1', 'DSA-2'], [1, 2, 3]);
    const { store, sql } = opened;
    // s2 no longer sees DSA-2, which s1 has inserted but not committed yet.
    await whileHeldOpen(
      sql,
      (tx) =>
        sqlStore(tx).scans.recordMany([
          {
            result: ok('s1', 'web-01', t(1)),
            findings: [
              { patchId: 'DSA-1', state: 'missing' },
              { patchId: 'DSA-2', state: 'missing' },
            ],
          },
        ]),
      () => store.scans.recordMany([{ result: ok('s2', 'web-01', t(2)), findings: [{ patchId: 'DSA-1', state: 'missing' }] }]),
      'the second scan write to wait on the first',
    );
    const states = async () => (await store.findings.byHost('web-01')).map((f) => [f.patchId, f.state]);
    // s2 closed the finding s1 wrote: it read s1's rows, not the state before them.
    expect(await states()).toEqual([
      ['DSA-1', 'missing'],
      ['DSA-2', 'installed'],
    ]);
    await store.scans.recordMany([{ result: ok('s3', 'web-01', t(3)), findings: [{ patchId: 'DSA-1', state: 'missing' }] }]);
    expect(await states()).toEqual([
      ['DSA-1', 'missing'],
      ['DSA-2', 'installed'],
    ]);
  });
});
