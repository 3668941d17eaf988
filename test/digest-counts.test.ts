import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../adapters/postgres/migrate.ts';
import { openSqlClient } from '../adapters/postgres/open-store.ts';
import type { SqlClient } from '../adapters/postgres/sql-client.ts';
import { buildDigest } from '../src/chat/announce/build-digest.ts';
import { digestProposal } from '../src/chat/announce/digest-proposal.ts';
import type { DigestPlanning } from '../src/chat/announce/digest-windows.ts';
import { Config } from '../src/config/schema.ts';
import type { HostScanWrite } from '../src/discovery/discovery-store.ts';
import type { PatchbotStore } from '../src/patchbot-store.ts';
import { digestGroups, digestHosts, digestPatch, type Extra, needingCounts, scanWrites } from './support/digest-estate.ts';
import { oldDigest, oldProposal } from './support/digest-oracle.ts';
import { availableEngines, type FreshStore, freshPostgresUrl, openFresh } from './support/engines.ts';
import { insertPatchesBefore023 } from './support/patches-before-023.ts';
import { recordedCalls } from './support/recorded-calls.ts';

/**
 * The digest's counts (migration 014) are kept by triggers as findings change: after every kind of
 * write they must equal a recount, and the card built from them must be the card the former
 * recount-everything path built (test/support/digest-oracle.ts), window choices included.
 */
const config = Config.parse({
  windows: { weeknights: { cron: '0 22 * * 1-5', duration: '4h' }, weekend: { cron: '0 2 * * 6', duration: '6h' } },
  // Production refuses `now`: the choices then show which way the cover went.
  approval: {
    normal: { approvers: ['role:oncall'], required: 1 },
    production: { voters: ['role:cab'], quorum: 3, allowNow: false },
    emergency: { approvers: ['role:oncall'], required: 1 },
    standard: { required: 0 },
  },
});
const at = (day: number) => new Date(Date.UTC(2024, 4, day, 3));
const planning: DigestPlanning = { schedule: config, approval: config.approval, now: at(1) };
const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);
const HOSTS = digestHosts(90);
const NAMES = [...HOSTS.map((h) => h.name), 'gone-01', 'gone-02'];

describe.each(availableEngines())('digest counts on %s', (engine) => {
  let opened: FreshStore;
  let store: PatchbotStore;
  beforeEach(async () => {
    opened = await openFresh(engine);
    store = opened.store;
    await store.hosts.sync(HOSTS);
    await store.groups.sync(digestGroups());
  });
  afterEach(async () => opened?.store.close());

  const scan = async (scanId: string, patchIds: string[], per: number, seed: number, day: number, extra?: Extra) => {
    await store.scans.start(scanId, 'test', NAMES, at(day));
    await store.patches.upsert(
      [...patchIds, ...(extra?.ids ?? [])].map((id, i) => digestPatch(id, i)),
      scanId,
    );
    const writes = scanWrites(scanId, NAMES, patchIds, per, seed, at(day), extra);
    for (let i = 0; i < writes.length; i += 16) await store.scans.recordMany(writes.slice(i, i + 16));
  };
  const expectKeptEqualsRecount = async () => {
    const { kept, recount } = await needingCounts(opened.sql);
    expect(recount.patches.length).toBeGreaterThan(0);
    expect(kept).toEqual(recount);
  };
  const expectSameDigest = async (scanId: string) => {
    const [now, before] = [await buildDigest(store, scanId, planning), await oldDigest(opened.sql, store, scanId, planning)];
    expect(now).not.toBeNull();
    expect(now).toEqual(before);
    expect(await buildDigest(store, scanId)).toEqual(await oldDigest(opened.sql, store, scanId));
    // What a click on its *Propose rollout* proposes: from the kept counts when every affected host is covered, host by host otherwise.
    const proposal = await digestProposal(store, `scan:${scanId}`);
    expect({ patches: proposal.patches, groups: proposal.groups.map((g) => g.name), uncovered: proposal.uncovered }).toEqual(await oldProposal(store, scanId));
    // A digest whose button names its patch ids: the same, in one read of the hosts that need them.
    const recorded = recordedCalls(store);
    const byIds = await digestProposal(recorded.store, (await store.patches.firstSeenIn(scanId)).map((p) => p.id).join(' '));
    expect({ patches: byIds.patches, groups: byIds.groups.map((g) => g.name), uncovered: byIds.uncovered }).toEqual(await oldProposal(store, scanId));
    expect(recorded.calls.map((c) => c.call).filter((c) => c.startsWith('findings.'))).toEqual(['findings.hostsByPatch']);
    return now!;
  };
  const choices = (card: Awaited<ReturnType<typeof expectSameDigest>>) => card.actions?.[0]?.choices?.map((c) => c.value);

  it('keeps per-patch and per-host counts equal to a recount through scans, rescans, closings and retention, and builds the same card', async () => {
    // A first scan: it discovers every patch, on hosts in groups, in none, and not in the inventory.
    await scan('scan-1', ids('P', 40), 12, 1, 1);
    await expectKeptEqualsRecount();
    const first = await expectSameDigest('scan-1');
    expect(first.text).toMatch(/needed on \d+ hosts/);
    expect(choices(first)).toEqual(['weeknights', 'weekend']);

    // A rescan: findings change state, some vanish (installed), and three patches are new, on the pilot hosts only.
    await scan('scan-2', ids('P', 40), 12, 2, 2, { ids: ids('Q', 3), on: (h) => ['n-000', 'n-002', 'n-003'].includes(h) });
    await expectKeptEqualsRecount();
    const second = await expectSameDigest('scan-2');
    expect(choices(second)).toEqual(['weeknights', 'weekend', 'now']);
    // Every host needing scan-2's patches is in a group: its proposal came from the counts alone.
    expect((await oldProposal(store, 'scan-2')).uncovered).toEqual([]);
    expect((await oldProposal(store, 'scan-1')).uncovered.length).toBeGreaterThan(0);
    await expectSameDigest('scan-1');

    // A scan that discovers most of what is needed while older patches are still needed elsewhere.
    await scan('scan-3', [...ids('P', 40), ...ids('R', 60)], 30, 3, 3);
    await expectKeptEqualsRecount();
    await expectSameDigest('scan-3');

    // One host's rescan through the single-host path: everything installed but one failed and one pending reboot.
    await store.findings.record(
      'scan-4',
      'n-004',
      [
        { patchId: 'R-001', state: 'failed' },
        { patchId: 'R-002', state: 'pending-reboot' },
      ],
      at(4),
    );
    await expectKeptEqualsRecount();

    // Retention deletes installed findings; a re-rating of patches changes no count.
    expect(await store.findings.pruneInstalled(at(30))).toBeGreaterThan(0);
    await expectKeptEqualsRecount();
    await store.patches.upsert([{ ...digestPatch('P-001', 0), severity: 'critical', security: true }]);
    await expectKeptEqualsRecount();
    await expectSameDigest('scan-3');
  });

  it('a scan that discovered nothing any host needs: a card with no host, and no production cover', async () => {
    await store.scans.start('scan-1', 'test', ['n-000'], at(1));
    await store.patches.upsert([digestPatch('S-000', 0)], 'scan-1');
    await store.findings.record('scan-1', 'n-000', [{ patchId: 'S-000', state: 'pending-reboot' }], at(1));
    const card = await expectSameDigest('scan-1');
    expect(card.text).toMatch(/needed on 0 hosts/);
    expect(choices(card)).toEqual(['weeknights', 'weekend', 'now']);
  });
});

describe.skipIf(!availableEngines().includes('postgres'))('digest counts under concurrent writers on postgres', () => {
  it('two scans of different hosts written at once: no deadlock, counts equal a recount', async () => {
    const opened = await openFresh('postgres');
    try {
      const { store } = opened;
      const patches = ids('P', 30);
      await store.patches.upsert(
        patches.map((id, i) => digestPatch(id, i)),
        'scan-0',
      );
      await store.scans.start('scan-0', 'test', NAMES, at(1));
      await store.scans.recordMany(scanWrites('scan-0', NAMES, patches, 10, 6, at(1)));
      // Then two scans at once, each of half the estate: every batch inserts, changes and closes
      // findings of the same patches (insert and update triggers in one statement), so both
      // writers add to the same counter rows in parallel.
      const halves = [NAMES.slice(0, NAMES.length / 2), NAMES.slice(NAMES.length / 2)];
      const chunks = (rows: HostScanWrite[]) => Array.from({ length: Math.ceil(rows.length / 6) }, (_, n) => rows.slice(n * 6, n * 6 + 6));
      await Promise.all(
        ['scan-a', 'scan-b'].map(async (scanId, k) => {
          await store.scans.start(scanId, 'test', halves[k]!, at(2));
          for (const rows of chunks(scanWrites(scanId, halves[k]!, patches, 10, 7 + k, at(2)))) await store.scans.recordMany(rows);
        }),
      );
      await expectEqual(opened.sql);
    } finally {
      await opened.store.close();
    }
  });
});

describe.each(availableEngines())('migration 014 on %s', (engine) => {
  let sql: SqlClient | null = null;
  afterEach(async () => sql?.close());

  it('counts the findings a store already has', async () => {
    sql = await openSqlClient(engine === 'pglite' ? 'pglite://memory' : await freshPostgresUrl());
    const all = await loadMigrations();
    await migrate(
      sql,
      all.filter((m) => m.version < 14),
    );
    // As a store of that version holds them, written in SQL: today's upsert and scan writer need later migrations.
    await insertPatchesBefore023(
      sql,
      ids('P', 20).map((id, i) => digestPatch(id, i)),
      'scan-1',
    );
    const rows = scanWrites('scan-1', NAMES, ids('P', 20), 8, 5, at(1)).flatMap((w) => (w.findings ?? []).map((f) => [w.result.host, f.patchId, f.state]));
    await sql.query(
      `insert into findings (host, patch_id, state, first_seen, changed_at, changed_in)
       select host, patch_id, state, $4, $4, 'scan-1' from unnest($1::text[], $2::text[], $3::text[]) as f(host, patch_id, state)`,
      [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]), at(1)],
    );
    expect((await sql.query<{ t: string | null }>(`select to_regclass('patch_needing')::text as t`))[0]?.t).toBeNull();
    await migrate(sql, all);
    await expectEqual(sql);
  });
});

const expectEqual = async (sql: SqlClient) => {
  const { kept, recount } = await needingCounts(sql);
  expect(recount.hosts.length).toBeGreaterThan(50);
  expect(kept).toEqual(recount);
};
