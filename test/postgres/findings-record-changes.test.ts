import { afterEach, describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../../adapters/postgres/migrate.ts';
import { openStore, type OpenedStore } from '../../adapters/postgres/open-store.ts';
import { ok, patch, prepared, t } from './findings-fixtures.ts';
import { availableEngines, freshPostgresUrl, openFresh } from '../support/engines.ts';
import { insertPatchesBefore023 } from '../support/patches-before-023.ts';

/**
 * Findings record changes, not sightings (migration 013): a rescan that sees what the last one saw
 * writes no finding row, yet every read still says the latest scan saw each open finding. Both
 * write paths (the scan writer's batch and findings.record) and the migration of a store written
 * the old way, on both engines.
 */

describe.each(availableEngines())('findings record changes on %s', (engine) => {
  let opened: OpenedStore | undefined;
  afterEach(async () => {
    await opened?.store.close();
    opened = undefined;
  });

  /**
   * Each finding's row version and lock: a rewrite of the row (even to the same values) gives it a
   * new xmin, and an upsert that met the row and left it alone would still have locked it (xmax).
   */
  const versions = async (host: string) =>
    Object.fromEntries(
      (await opened!.sql.query<{ patch_id: string; v: string }>(`select patch_id, xmin::text || '/' || xmax::text as v from findings where host = $1`, [host])).map((r) => [r.patch_id, r.v]),
    );
  const read = async (host: string) => (await opened!.store.findings.byHost(host)).map((f) => [f.patchId, f.state, f.scanId, f.lastSeen.toISOString()]);

  it('writes only the findings a rescan changed, and reads every open one as seen by that rescan', async () => {
    opened = await prepared(engine, ['DSA-1', 'DSA-2', 'DSA-3', 'DSA-4'], [1, 2, 3, 0]);
    const { store } = opened;
    await store.scans.recordMany([
      {
        result: ok('s1', 'web-01', t(1)),
        findings: [
          { patchId: 'DSA-1', state: 'missing' },
          { patchId: 'DSA-2', state: 'missing' },
          { patchId: 'DSA-3', state: 'missing' },
        ],
      },
    ]);
    const before = await versions('web-01');

    // s2 sees DSA-1 as before, DSA-2 now awaiting a reboot, DSA-3 gone (installed).
    await store.scans.recordMany([
      {
        result: ok('s2', 'web-01', t(2)),
        findings: [
          { patchId: 'DSA-1', state: 'missing' },
          { patchId: 'DSA-2', state: 'pending-reboot' },
        ],
      },
    ]);
    const after = await versions('web-01');
    expect(after['DSA-1']).toBe(before['DSA-1']);
    expect(after['DSA-2']).not.toBe(before['DSA-2']);
    expect(after['DSA-3']).not.toBe(before['DSA-3']);
    expect(await read('web-01')).toEqual([
      ['DSA-1', 'missing', 's2', t(2).toISOString()],
      ['DSA-2', 'pending-reboot', 's2', t(2).toISOString()],
      ['DSA-3', 'installed', 's2', t(2).toISOString()],
    ]);

    // s3 sees the same again through findings.record: nothing is rewritten; the installed one stays closed at s2.
    await store.findings.record(
      's3',
      'web-01',
      [
        { patchId: 'DSA-1', state: 'missing' },
        { patchId: 'DSA-2', state: 'pending-reboot' },
      ],
      t(3),
    );
    expect(await versions('web-01')).toEqual(after);
    expect(await read('web-01')).toEqual([
      ['DSA-1', 'missing', 's3', t(3).toISOString()],
      ['DSA-2', 'pending-reboot', 's3', t(3).toISOString()],
      ['DSA-3', 'installed', 's2', t(2).toISOString()],
    ]);
    expect((await store.findings.openOf(['web-01'])).map((f) => f.lastSeen)).toEqual([t(3), t(3)]);
    expect((await store.findings.byPatch('DSA-1')).map((f) => f.scanId)).toEqual(['s3']);

    // An older scan stored late does not move the sighting back.
    await store.scans.recordMany([{ result: ok('s0', 'web-01', t(0)), findings: [{ patchId: 'DSA-1', state: 'missing' }] }]);
    expect((await read('web-01'))[0]).toEqual(['DSA-1', 'missing', 's3', t(3).toISOString()]);
  });

  /** The host's findings as rows: patch, state, the scan that last changed it. */
  const rows = async (host: string) =>
    (await opened!.sql.query<{ patch_id: string; state: string; changed_in: string }>('select patch_id, state, changed_in from findings where host = $1 order by patch_id', [host])).map(
      (r) => [r.patch_id, r.state, r.changed_in],
    );
  const fingerprintOf = async (host: string) =>
    (await opened!.sql.query<{ fingerprint: string | null }>('select fingerprint from host_findings_seen where host = $1', [host]))[0]?.fingerprint;
  const missing = (...ids: string[]) => ids.map((patchId) => ({ patchId, state: 'missing' as const }));

  it('passes over a host whose report is the one its findings were written from, and compares the rest finding by finding', async () => {
    opened = await prepared(engine, ['DSA-1', 'DSA-2', 'DSA-3'], [1, 2, 3]);
    const { store, sql } = opened;
    await store.scans.recordMany([
      { result: ok('s1', 'web-01', t(1)), findings: missing('DSA-1', 'DSA-2') },
      { result: ok('s1', 'web-02', t(1)), findings: missing('DSA-1', 'DSA-2') },
    ]);
    // Same findings, same fingerprint, whatever the order they were reported in.
    expect(await fingerprintOf('web-01')).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(await fingerprintOf('web-02')).toBe(await fingerprintOf('web-01'));

    // Rows changed behind the scan writer's back, where nothing in patchbot writes: a host passed
    // over keeps them as they are, which shows it was passed over; a compared one is put right.
    await sql.query(`update findings set state = 'failed' where patch_id = 'DSA-2'`);
    await store.scans.recordMany([
      { result: ok('s2', 'web-01', t(2)), findings: missing('DSA-2', 'DSA-1') },
      { result: ok('s2', 'web-02', t(2)), findings: missing('DSA-1', 'DSA-2', 'DSA-3') },
    ]);
    expect(await rows('web-01')).toEqual([
      ['DSA-1', 'missing', 's1'],
      ['DSA-2', 'failed', 's1'],
    ]);
    expect(await rows('web-02')).toEqual([
      ['DSA-1', 'missing', 's1'],
      ['DSA-2', 'missing', 's2'],
      ['DSA-3', 'missing', 's2'],
    ]);
    // Passed over or not, each host was seen by s2.
    expect((await store.findings.openOf(['web-01', 'web-02'])).map((f) => [f.host, f.patchId, f.scanId])).toEqual([
      ['web-01', 'DSA-1', 's2'],
      ['web-01', 'DSA-2', 's2'],
      ['web-02', 'DSA-1', 's2'],
      ['web-02', 'DSA-2', 's2'],
      ['web-02', 'DSA-3', 's2'],
    ]);
    expect(await fingerprintOf('web-02')).not.toBe(await fingerprintOf('web-01'));
  });

  it('compares finding by finding after findings.record wrote a host, which leaves no fingerprint', async () => {
    opened = await prepared(engine, ['DSA-1', 'DSA-2'], [1, 3]);
    const { store } = opened;
    await store.scans.recordMany([{ result: ok('s1', 'web-01', t(1)), findings: missing('DSA-1', 'DSA-2') }]);
    // s2 through the other writer: DSA-2 is gone.
    await store.findings.record('s2', 'web-01', missing('DSA-1'), t(2));
    expect(await fingerprintOf('web-01')).toBeNull();
    // s3 reports what s1 did: DSA-2 is back, though the report matches the last fingerprint written.
    await store.scans.recordMany([{ result: ok('s3', 'web-01', t(3)), findings: missing('DSA-1', 'DSA-2') }]);
    expect(await rows('web-01')).toEqual([
      ['DSA-1', 'missing', 's1'],
      ['DSA-2', 'missing', 's3'],
    ]);
  });

  it('keeps the fingerprint of the report last written, even from an older scan stored late', async () => {
    opened = await prepared(engine, ['DSA-1', 'DSA-2'], [1, 2, 3]);
    const { store } = opened;
    await store.scans.recordMany([{ result: ok('s2', 'web-01', t(2)), findings: missing('DSA-1') }]);
    // s1 arrives late and still reports DSA-2: its findings are written (as before migration 016),
    // the sighting stays at s2.
    await store.scans.recordMany([{ result: ok('s1', 'web-01', t(1)), findings: missing('DSA-1', 'DSA-2') }]);
    expect(await rows('web-01')).toEqual([
      ['DSA-1', 'missing', 's2'],
      ['DSA-2', 'missing', 's1'],
    ]);
    expect((await read('web-01'))[0]).toEqual(['DSA-1', 'missing', 's2', t(2).toISOString()]);
    // s3 reports what s2 did: not what the rows now reflect, so DSA-2 is closed.
    await store.scans.recordMany([{ result: ok('s3', 'web-01', t(3)), findings: missing('DSA-1') }]);
    expect(await rows('web-01')).toEqual([
      ['DSA-1', 'missing', 's2'],
      ['DSA-2', 'installed', 's3'],
    ]);
  });

  it('gives no fingerprint to a report with states housekeeping may delete', async () => {
    opened = await openFresh(engine);
    const { store } = opened;
    await store.patches.upsert(['DSA-1', 'DSA-2'].map(patch));
    await store.scans.start('s1', 'schedule', ['web-01'], t(1));
    await store.scans.recordMany([
      {
        result: ok('s1', 'web-01', t(1)),
        findings: [
          { patchId: 'DSA-1', state: 'missing' },
          { patchId: 'DSA-2', state: 'installed' },
        ],
      },
    ]);
    expect(await fingerprintOf('web-01')).toBeNull();
  });

  it('stores a patch a host reported twice in one scan once, as its last report says', async () => {
    opened = await openFresh(engine);
    const { store } = opened;
    await store.patches.upsert([patch('DSA-1')]);
    await store.scans.start('s1', 'schedule', ['web-01'], t(1));
    await store.scans.recordMany([
      {
        result: ok('s1', 'web-01', t(1)),
        findings: [
          { patchId: 'DSA-1', state: 'missing' },
          { patchId: 'DSA-1', state: 'pending-reboot' },
        ],
      },
    ]);
    expect(await read('web-01')).toEqual([['DSA-1', 'pending-reboot', 's1', t(1).toISOString()]]);
  });

  it('names the last sighting of an unreachable host from the scan that last reported its findings', async () => {
    opened = await openFresh(engine);
    const { store } = opened;
    await store.hosts.sync([{ name: 'web-01', address: '127.0.0.1', port: 22, user: 'root', os: 'debian', groups: ['web'], tags: {}, connection: 'ssh' }]);
    await store.scans.start('s1', 'schedule', ['web-01'], t(1));
    await store.scans.start('s2', 'schedule', ['web-01'], t(2));
    // A clean host: no finding at all, so no finding row could say when it was last seen.
    await store.scans.recordMany([{ result: ok('s1', 'web-01', t(1)), findings: [] }]);
    await store.scans.recordMany([{ result: { scanId: 's2', host: 'web-01', outcome: 'unreachable', error: 'connect ETIMEDOUT', startedAt: t(2), finishedAt: t(2) } }]);
    const facts = await store.scans.freshness(['web-01'], 5);
    expect(facts.unreachable.first).toEqual([{ host: 'web-01', outcome: 'unreachable', triedAt: t(2), lastSeen: t(1) }]);
  });

  it('migrates a store written the old way: each host sighted by its newest finding change', async () => {
    const url = engine === 'pglite' ? 'pglite://memory' : await freshPostgresUrl();
    opened = await openStore(url, { migrate: false });
    const all = await loadMigrations();
    await migrate(
      opened.sql,
      all.filter((m) => m.version < 13),
    );
    await insertPatchesBefore023(opened.sql, ['DSA-1', 'DSA-2'].map(patch));
    // As the old statement left them: open rows rewritten by the last scan (s2), a closed one by the scan that closed it.
    await opened.sql.query(
      `insert into findings (host, patch_id, state, first_seen, last_seen, scan_id) values
         ('web-01', 'DSA-1', 'missing', $1, $2, 's2'), ('web-01', 'DSA-2', 'installed', $1, $1, 's1'), ('web-02', 'DSA-2', 'installed', $1, $1, 's1')`,
      [t(1), t(2)],
    );
    expect((await migrate(opened.sql, all)).applied).toContain('013_findings_record_changes');
    expect(await opened.sql.query('select host, seen_at, scan_id from host_findings_seen order by host')).toEqual([
      { host: 'web-01', seen_at: t(2), scan_id: 's2' },
      { host: 'web-02', seen_at: t(1), scan_id: 's1' },
    ]);
    expect(await read('web-01')).toEqual([
      ['DSA-1', 'missing', 's2', t(2).toISOString()],
      ['DSA-2', 'installed', 's1', t(1).toISOString()],
    ]);
  });
});
