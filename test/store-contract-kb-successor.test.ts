import { expect, it } from 'vitest';
import type { FindingInput } from '../src/discovery/discovery-store.ts';
import type { OfferedUpdates } from '../src/discovery/offered-updates.ts';
import type { Patch } from '../src/discovery/patch.ts';
import type { OpenedStore } from '../adapters/postgres/open-store.ts';
import { storeContract } from './support/store-contract.ts';

/**
 * A KB that a newer cumulative update supersedes hands its SLA clock on (migration 022): the scan
 * that no longer offers it offers an update whose SupersededUpdateIDs hold one of the UpdateIDs
 * the host's previous report offered the old KB under. The old finding is then `superseded` by
 * that KB, which takes over the earliest first sighting, as a package version does. A host that
 * shows it installed, or no update naming it, or a report on either side without UpdateIDs: as
 * before. Both writers, both engines.
 */
const day = (n: number) => new Date(Date.UTC(2026, 10, n));
const patch = (id: string): Patch => ({ id, title: id, severity: 'important', security: true, cves: [], rebootHint: false, firstSeen: day(1) });
const KBS = ['KB5031000', 'KB5032000', 'KB5033000', 'KB5034000', 'KB5035000', 'DSA-5600-1'];
const [E, A, B, C, D] = KBS as [string, string, string, string, string];
const uid = (n: number) => `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`;

interface Report {
  missing: string[];
  installedKbs?: string[];
  /** KB → [its UpdateIDs, the UpdateIDs it supersedes]; absent: a scan printed before UpdateIDs. */
  offered?: Record<string, [number[], number[]]>;
}
const offeredOf = (o: Report['offered']): OfferedUpdates | undefined =>
  o && {
    ids: new Map(Object.entries(o).map(([kb, [ids]]) => [kb, ids.map(uid)])),
    supersedes: new Map(Object.entries(o).map(([kb, [, sup]]) => [kb, sup.map(uid)])),
  };

type Writer = 'findings.record' | 'scans.recordMany';
const hostWrite = (host: string, n: number, r: Report) => {
  const at = day(n);
  const offered = offeredOf(r.offered);
  return {
    result: { scanId: `s${n}`, host, outcome: 'ok' as const, startedAt: at, finishedAt: at, rebootRequired: false, installed: r.installedKbs ?? [], warnings: [] },
    findings: r.missing.map((patchId): FindingInput => ({ patchId, state: 'missing' })),
    ...(r.installedKbs ? { installedKbs: r.installedKbs } : {}),
    ...(offered ? { offered } : {}),
  };
};
const write = async (opened: OpenedStore, writer: Writer, host: string, n: number, r: Report) => {
  const w = hostWrite(host, n, r);
  if (writer === 'findings.record') return opened.store.findings.record(`s${n}`, host, w.findings, day(n), w.installedKbs, w.offered);
  await opened.store.scans.recordMany([w]);
};
const read = async (opened: OpenedStore, host: string) =>
  (await opened.store.findings.byHost(host)).map((f) => [f.patchId, f.state, f.supersededBy ?? null, f.firstSeen.toISOString().slice(0, 10)]);

storeContract('store contract, a superseded KB hands its clock to its successor', (opened) => {
  const prepare = async () => {
    await opened.store.patches.upsert(KBS.map(patch), 's1');
    for (const n of [1, 2, 3, 4]) await opened.store.scans.start(`s${n}`, 'schedule', ['win-01', 'win-02', 'web-01'], day(n));
  };

  it.each<Writer>(['findings.record', 'scans.recordMany'])('%s: the successor takes the earliest clock, along a chain; installed and unnamed KBs keep theirs', async (writer) => {
    await prepare();
    await write(opened, writer, 'win-01', 1, { missing: [E], installedKbs: [], offered: { [E]: [[1], []] } });
    // A is offered under two UpdateIDs (two architectures); D under one nobody will supersede.
    await write(opened, writer, 'win-01', 2, { missing: [E, A, D], installedKbs: [], offered: { [E]: [[1], []], [A]: [[2, 3], []], [D]: [[4], []] } });
    // B supersedes A (by its second UpdateID) and E, which the host installed.
    await write(opened, writer, 'win-01', 3, { missing: [B], installedKbs: [E], offered: { [B]: [[5], [9, 3, 1]] } });
    expect(await read(opened, 'win-01')).toEqual([
      [E, 'installed', null, '2026-11-01'],
      [A, 'superseded', B, '2026-11-02'],
      // A's clock, not E's: E was installed, so it hands nothing on.
      [B, 'missing', null, '2026-11-02'],
      // No offered update supersedes it: superseded, naming nothing, as before.
      [D, 'superseded', null, '2026-11-02'],
    ]);
    // C supersedes B: the clock that started with A runs on.
    await write(opened, writer, 'win-01', 4, { missing: [C], installedKbs: [E], offered: { [C]: [[6], [5]] } });
    expect((await read(opened, 'win-01')).filter(([id]) => id === B || id === C)).toEqual([
      [B, 'superseded', C, '2026-11-02'],
      [C, 'missing', null, '2026-11-02'],
    ]);
    expect((await opened.store.findings.openOf(['win-01'])).map((f) => [f.patchId, f.firstSeen.toISOString().slice(0, 10)])).toEqual([[C, '2026-11-02']]);
  });

  it.each<Writer>(['findings.record', 'scans.recordMany'])('%s: a report without UpdateIDs, before or now, links nothing', async (writer) => {
    await prepare();
    // Before: the old KB's UpdateIDs were never printed.
    await write(opened, writer, 'win-01', 1, { missing: [A], installedKbs: [] });
    await write(opened, writer, 'win-01', 2, { missing: [B], installedKbs: [], offered: { [B]: [[5], [2]] } });
    expect(await read(opened, 'win-01')).toEqual([
      [A, 'superseded', null, '2026-11-01'],
      [B, 'missing', null, '2026-11-02'],
    ]);
    // Now: the report that closes it prints none.
    await write(opened, writer, 'win-02', 1, { missing: [A], installedKbs: [], offered: { [A]: [[2], []] } });
    await write(opened, writer, 'win-02', 2, { missing: [B], installedKbs: [] });
    expect(await read(opened, 'win-02')).toEqual([
      [A, 'superseded', null, '2026-11-01'],
      [B, 'missing', null, '2026-11-02'],
    ]);
  });

  it.each<Writer>(['findings.record', 'scans.recordMany'])(
    '%s: a host that shows it installed closes it installed, successor or not; a host without UpdateIDs stores none',
    async (writer) => {
      await prepare();
      await write(opened, writer, 'win-01', 1, { missing: [A], installedKbs: [], offered: { [A]: [[2], []] } });
      await write(opened, writer, 'win-01', 2, { missing: [B], installedKbs: [A], offered: { [B]: [[5], [2]] } });
      expect(await read(opened, 'win-01')).toEqual([
        [A, 'installed', null, '2026-11-01'],
        [B, 'missing', null, '2026-11-02'],
      ]);
      await write(opened, writer, 'web-01', 1, { missing: ['DSA-5600-1'] });
      const stored = await opened.sql.query<{ host: string; offered_updates: unknown }>('select host, offered_updates from host_findings_seen order by host');
      expect(stored).toEqual([
        { host: 'web-01', offered_updates: null },
        { host: 'win-01', offered_updates: { [B]: [uid(5)] } },
      ]);
    },
  );

  it.each<Writer>(['findings.record', 'scans.recordMany'])('%s: an offer reported unchanged is kept, and links the KB when it drops out', async (writer) => {
    await prepare();
    for (const n of [1, 2]) await write(opened, writer, 'win-01', n, { missing: [A], installedKbs: [], offered: { [A]: [[2, 3], []] } });
    await write(opened, writer, 'win-01', 3, { missing: [B], installedKbs: [], offered: { [B]: [[5], [3]] } });
    expect(await read(opened, 'win-01')).toEqual([
      [A, 'superseded', B, '2026-11-01'],
      [B, 'missing', null, '2026-11-01'],
    ]);
  });

  it('one batch links each host by its own previous report, and keeps a report whose findings are unchanged', async () => {
    await prepare();
    const { scans } = opened.store;
    // win-01 was offered A under UpdateID 2, win-02 under 3 (another architecture).
    await scans.recordMany([hostWrite('win-01', 1, { missing: [A], installedKbs: [], offered: { [A]: [[2], []] } }), hostWrite('win-02', 1, { missing: [A], installedKbs: [] })]);
    // win-02's findings are unchanged (the same fingerprint: not compared), but its UpdateIDs are new.
    await scans.recordMany([hostWrite('win-02', 2, { missing: [A], installedKbs: [], offered: { [A]: [[3], []] } })]);
    await scans.recordMany([
      hostWrite('win-01', 3, { missing: [B], installedKbs: [], offered: { [B]: [[5], [3]] } }),
      hostWrite('win-02', 3, { missing: [B], installedKbs: [], offered: { [B]: [[5], [3]] } }),
    ]);
    expect(await read(opened, 'win-01')).toEqual([
      [A, 'superseded', null, '2026-11-01'],
      [B, 'missing', null, '2026-11-03'],
    ]);
    expect(await read(opened, 'win-02')).toEqual([
      [A, 'superseded', B, '2026-11-01'],
      [B, 'missing', null, '2026-11-01'],
    ]);
  });
});
