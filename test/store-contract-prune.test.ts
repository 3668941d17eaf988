import { describe, expect, it } from 'vitest';
import type { Patch } from '../src/discovery/patch.ts';
import { availableEngines, freshPostgres } from './support/engines.ts';
import { change, storeContract } from './support/store-contract.ts';
import { until } from './support/until.ts';

/**
 * The catalog's retention (PatchRepository.pruneUnreferenced): a patch first seen before the
 * horizon goes once nothing names it; a finding of any state, a finding it superseded, or a change
 * that carries it keeps it. On both engines.
 */
const day = (n: number) => new Date(Date.UTC(2026, 0, n));
const patch = (id: string, firstSeen: Date): Patch => ({ id, title: id, severity: 'important', security: true, cves: [], rebootHint: false, firstSeen });
const HORIZON = day(20);

storeContract('store contract, patch retention', (opened) => {
  it('deletes the old patches nothing refers to, with their needing counts, and keeps the rest', async () => {
    const { store, sql } = opened;
    const old = [
      'DSA-1-1', // never a finding
      'DSA-2-1', // its only finding was pruned after it was installed
      'DSA-3-1', // missing on a host
      'DSA-4-1', // installed on a host, not pruned yet
      'DSA-5-1', // carried by a change
      'deb:libbar1@1.1-1', // superseded on a host
      'deb:libbar1@1.2-1', // named as what superseded it
    ];
    await store.patches.upsert([...old.map((id) => patch(id, day(1))), patch('DSA-9-1', day(25))]);
    for (const [n, at] of [
      [1, 1],
      [2, 2],
      [3, 10],
      [4, 11],
    ] as const)
      await store.scans.start(`s${n}`, 'test', ['web-01', 'web-02'], day(at));
    await store.findings.record(
      's1',
      'web-01',
      [
        { patchId: 'DSA-2-1', state: 'missing' },
        { patchId: 'DSA-3-1', state: 'missing' },
        { patchId: 'DSA-4-1', state: 'missing' },
      ],
      day(1),
    );
    // web-01 installed DSA-2-1 on day 2, DSA-4-1 on day 10; web-02 was offered 1.2-1 instead of 1.1-1 on day 11, still running 1.0-1.
    await store.findings.record(
      's2',
      'web-01',
      [
        { patchId: 'DSA-3-1', state: 'missing' },
        { patchId: 'DSA-4-1', state: 'missing' },
      ],
      day(2),
    );
    await store.findings.record('s3', 'web-01', [{ patchId: 'DSA-3-1', state: 'missing' }], day(10));
    await store.findings.record('s3', 'web-02', [{ patchId: 'deb:libbar1@1.1-1', state: 'missing', installed: '1.0-1' }], day(10));
    await store.findings.record('s4', 'web-02', [{ patchId: 'deb:libbar1@1.2-1', state: 'missing', installed: '1.0-1' }], day(11));
    expect(await store.findings.pruneInstalled(day(5))).toBe(1);
    // As when the successor's own finding went first: only the superseded finding names it.
    await sql.query(`delete from findings where patch_id = 'deb:libbar1@1.2-1'`);
    await store.changes.create(change('CHG-1', { patches: ['DSA-5-1'], state: 'completed' }));
    expect((await sql.query<{ hosts: number }>(`select hosts from patch_needing where patch_id = 'DSA-2-1'`)).map((r) => r.hosts)).toEqual([0]);

    expect(await store.patches.pruneUnreferenced(HORIZON)).toBe(2);
    expect((await store.patches.list()).map((p) => p.id)).toEqual(['DSA-3-1', 'DSA-4-1', 'DSA-5-1', 'DSA-9-1', 'deb:libbar1@1.1-1', 'deb:libbar1@1.2-1']);
    expect(await sql.query(`select * from patch_needing where patch_id in ('DSA-1-1', 'DSA-2-1')`)).toEqual([]);
    // Nothing else to do until something lets go of a patch.
    expect(await store.patches.pruneUnreferenced(HORIZON)).toBe(0);
  });

  it('lets a pruned patch be reported again, as new', async () => {
    const { store } = opened;
    await store.patches.upsert([patch('DSA-1-1', day(1))], 's1');
    expect(await store.patches.pruneUnreferenced(HORIZON)).toBe(1);
    await store.scans.start('s9', 'test', ['web-01'], day(30));
    expect(await store.patches.upsert([patch('DSA-1-1', day(30))], 's9')).toEqual(['DSA-1-1']);
    await store.findings.record('s9', 'web-01', [{ patchId: 'DSA-1-1', state: 'missing' }], day(30));
    expect((await store.findings.byHost('web-01')).map((f) => [f.patchId, f.state])).toEqual([['DSA-1-1', 'missing']]);
  });
});

describe.skipIf(!availableEngines().includes('postgres'))('patch retention beside a scan being written, on postgres', () => {
  it("waits for the scan's transaction, and keeps the patch its findings name", async () => {
    const { store, sql } = await freshPostgres();
    try {
      await store.patches.upsert([patch('DSA-1-1', day(1))]);
      await store.scans.start('s1', 'test', ['web-01'], day(30));
      // The scan writer's transaction, held open after its findings are written.
      let release = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      let written = () => {};
      const inside = new Promise<void>((resolve) => (written = resolve));
      const scan = store.transaction(async (tx) => {
        await tx.scans.recordMany([
          {
            result: { scanId: 's1', host: 'web-01', outcome: 'ok', startedAt: day(30), finishedAt: day(30), rebootRequired: false, installed: [], warnings: [] },
            findings: [{ patchId: 'DSA-1-1', state: 'missing' }],
          },
        ]);
        written();
        await held;
      });
      await inside;
      let done = false;
      const pruned = store.patches.pruneUnreferenced(HORIZON).finally(() => (done = true));
      // Done at once (it did not wait, and could not see the finding), or waiting for the scan's lock.
      const waiting = async () => (await sql.query<{ n: number }>(`select count(*)::int as n from pg_locks where not granted and relation = 'findings'::regclass`))[0]!.n > 0;
      await until('the prune to wait for the scan, or to finish', async () => done || (await waiting()));
      release();
      await scan;
      expect(await pruned).toBe(0);
      expect(await store.patches.get('DSA-1-1')).not.toBeNull();
    } finally {
      await store.close();
    }
  });
  it('skips a patch a scan is writing, rather than deadlock with it', async () => {
    const { store, sql } = await freshPostgres();
    try {
      await store.patches.upsert([patch('DSA-1-1', day(1))]);
      await store.scans.start('s1', 'test', ['web-01'], day(30));
      let release = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      let upserted = () => {};
      const inside = new Promise<void>((resolve) => (upserted = resolve));
      // As the scan writer's transaction: the catalog first (a stronger report updates the row), then the findings.
      const scan = store.transaction(async (tx) => {
        await tx.patches.upsert([{ ...patch('DSA-1-1', day(30)), severity: 'critical' }], 's1');
        upserted();
        await held;
        await tx.scans.recordMany([
          {
            result: { scanId: 's1', host: 'web-01', outcome: 'ok', startedAt: day(30), finishedAt: day(30), rebootRequired: false, installed: [], warnings: [] },
            findings: [{ patchId: 'DSA-1-1', state: 'missing' }],
          },
        ]);
      });
      await inside;
      let done = false;
      const pruned = store.patches.pruneUnreferenced(HORIZON).finally(() => (done = true));
      const waiting = async () => (await sql.query<{ n: number }>('select count(*)::int as n from pg_locks where not granted'))[0]!.n > 0;
      await until('the prune to finish, or to wait for the scan', async () => done || (await waiting()));
      release();
      expect(await Promise.all([pruned, scan])).toEqual([0, undefined]);
      expect((await store.findings.byHost('web-01')).map((f) => f.patchId)).toEqual(['DSA-1-1']);
      expect(await store.patches.get('DSA-1-1')).toMatchObject({ severity: 'critical' });
    } finally {
      await store.close();
    }
  });
});
