import { expect, it } from 'vitest';
import type { FindingInput } from '../src/discovery/discovery-store.ts';
import type { Patch } from '../src/discovery/patch.ts';
import type { OpenedStore } from '../adapters/postgres/open-store.ts';
import { storeContract } from './support/store-contract.ts';

/**
 * A package version the mirror replaced before the host got it (review of rollouts, finding 1):
 * the scan lists the newer version instead, and the finding that drops out is `superseded`, not
 * `installed`, unless the version the host runs (apt's or rpm -q's, FindingInput.installed) is at least it.
 * The superseding finding takes over the earliest clock of what it superseded. Both writers of
 * findings (findings.record, one host; scans.recordMany, the scan writer's batch) on both engines.
 */
const day = (n: number) => new Date(Date.UTC(2026, 10, n));
const patch = (id: string): Patch => ({ id, title: id, severity: 'important', security: true, cves: [], rebootHint: false, firstSeen: day(1) });
const PATCHES = [
  'deb:libbar1@1.1-1',
  'deb:libbar1@1.2-1',
  'deb:libbar1@1.3-1',
  'deb:libfoo1@2.0-1',
  'deb:libfoo1@2.1-1',
  'deb:libqux1@1.0-1+b2',
  'deb:libqux1@1.0-2',
  'deb:kernel@6.1-1',
  'deb:kernel@6.1-2',
  'rpm:glibc@2.34-100.el9',
  'rpm:glibc@2.34-101.el9',
  'rpm:zlib@1.2.11-40.el9',
  'rpm:zlib@1.2.11-41.el9',
  'rpm:libfoo@1.0.1-1.el9',
  'rpm:libfoo@1.0.2-1.el9',
  'rpm:openssl@1:3.0.7-27.el9',
  'rpm:openssl@1:3.0.7-28.el9',
  'DSA-5600-1',
];

type Writer = 'findings.record' | 'scans.recordMany';
const write = async (opened: OpenedStore, writer: Writer, host: string, n: number, findings: FindingInput[]) => {
  const scanId = `s${n}`;
  if (writer === 'findings.record') return opened.store.findings.record(scanId, host, findings, day(n));
  const at = day(n);
  await opened.store.scans.recordMany([{ result: { scanId, host, outcome: 'ok', startedAt: at, finishedAt: at, rebootRequired: false, installed: [], warnings: [] }, findings }]);
};
const read = async (opened: OpenedStore, host: string) =>
  (await opened.store.findings.byHost(host)).map((f) => [f.patchId, f.state, f.supersededBy ?? null, f.firstSeen.toISOString().slice(0, 10)]);

storeContract('store contract, superseded package versions', (opened) => {
  const prepare = async () => {
    await opened.store.patches.upsert(PATCHES.map(patch), 's1');
    for (const n of [1, 2, 3, 4]) await opened.store.scans.start(`s${n}`, 'schedule', ['web-01', 'web-02'], day(n));
  };

  it.each<Writer>(['findings.record', 'scans.recordMany'])('%s: a version dropped for a newer one is installed only when the host runs at least it', async (writer) => {
    await prepare();
    await write(opened, writer, 'web-01', 1, [
      { patchId: 'deb:libbar1@1.1-1', state: 'missing', installed: '1.0-1' },
      { patchId: 'deb:libfoo1@2.0-1', state: 'missing', installed: '1.9-1' },
      { patchId: 'deb:libqux1@1.0-1+b2', state: 'missing', installed: '1.0-1' },
      { patchId: 'deb:kernel@6.1-1', state: 'pending-reboot', installed: '6.1-1' },
      { patchId: 'rpm:glibc@2.34-100.el9', state: 'missing' },
      { patchId: 'DSA-5600-1', state: 'missing' },
    ]);
    await write(opened, writer, 'web-01', 3, [
      // The mirror replaced 1.1-1 with 1.2-1 while the host still ran 1.0-1.
      { patchId: 'deb:libbar1@1.2-1', state: 'missing', installed: '1.0-1' },
      // The host got 2.0-1, then the mirror published 2.1-1.
      { patchId: 'deb:libfoo1@2.1-1', state: 'missing', installed: '2.0-1' },
      // Debian's order, not text's: 1.0-1+b2 < 1.0-1+b10 (a binNMU the host got) < 1.0-2.
      { patchId: 'deb:libqux1@1.0-2', state: 'missing', installed: '1.0-1+b10' },
      // Installed and awaiting a reboot: the host had it, whatever is offered now (here the scan
      // does not say what the host runs).
      { patchId: 'deb:kernel@6.1-2', state: 'missing' },
      // The scan did not say what the host runs (a dnf scan without its installed section): not shown installed.
      { patchId: 'rpm:glibc@2.34-101.el9', state: 'missing' },
    ]);
    expect(await read(opened, 'web-01')).toEqual([
      ['DSA-5600-1', 'installed', null, '2026-11-01'],
      ['deb:kernel@6.1-1', 'installed', null, '2026-11-01'],
      ['deb:kernel@6.1-2', 'missing', null, '2026-11-03'],
      ['deb:libbar1@1.1-1', 'superseded', 'deb:libbar1@1.2-1', '2026-11-01'],
      // The clock of what it superseded: the host has lacked libbar1's fix since day 1.
      ['deb:libbar1@1.2-1', 'missing', null, '2026-11-01'],
      ['deb:libfoo1@2.0-1', 'installed', null, '2026-11-01'],
      ['deb:libfoo1@2.1-1', 'missing', null, '2026-11-03'],
      ['deb:libqux1@1.0-1+b2', 'installed', null, '2026-11-01'],
      ['deb:libqux1@1.0-2', 'missing', null, '2026-11-03'],
      ['rpm:glibc@2.34-100.el9', 'superseded', 'rpm:glibc@2.34-101.el9', '2026-11-01'],
      ['rpm:glibc@2.34-101.el9', 'missing', null, '2026-11-01'],
    ]);
    // Not open, not installed: no count of what is needed, open or installed holds it.
    const { store } = opened;
    expect((await store.findings.openOf(['web-01'])).map((f) => f.patchId)).toEqual([
      'deb:kernel@6.1-2',
      'deb:libbar1@1.2-1',
      'deb:libfoo1@2.1-1',
      'deb:libqux1@1.0-2',
      'rpm:glibc@2.34-101.el9',
    ]);
    expect(await store.findings.hostsByPatch(['deb:libbar1@1.1-1'], ['missing', 'failed', 'pending-reboot', 'installed'])).toEqual(new Map());
    expect(await store.findings.hostsByPatch(['deb:libbar1@1.1-1'], ['superseded'])).toEqual(new Map([['deb:libbar1@1.1-1', ['web-01']]]));
    expect((await store.findings.discovered('s1', 5, null)).byPatch.has('deb:libbar1@1.1-1')).toBe(false);
    const pending = await store.findings.pendingIn(['web-01']);
    expect(pending.patches.map((p) => p.id).sort()).toEqual(['deb:kernel@6.1-2', 'deb:libbar1@1.2-1', 'deb:libfoo1@2.1-1', 'deb:libqux1@1.0-2', 'rpm:glibc@2.34-101.el9']);
    expect(pending.hostsBySeverity.important).toBe(1);
    expect((await store.findings.patchCoverage('deb:libbar1@1.1-1', ['web-01'], 5)).counts).toMatchObject({ superseded: 1, installed: 0, missing: 0 });
    expect((await store.findings.findingsOfPatch('deb:libbar1@1.1-1', ['web-01'], ['superseded'], 5, 0)).map((f) => [f.host, f.supersededBy])).toEqual([['web-01', 'deb:libbar1@1.2-1']]);

    // The mirror moves on again before the host catches up: the clock stays the first version's.
    await write(opened, writer, 'web-01', 4, [
      { patchId: 'deb:libbar1@1.3-1', state: 'missing', installed: '1.0-1' },
      { patchId: 'deb:libfoo1@2.1-1', state: 'missing', installed: '2.0-1' },
      { patchId: 'deb:libqux1@1.0-2', state: 'missing', installed: '1.0-1+b10' },
      { patchId: 'deb:kernel@6.1-2', state: 'missing' },
      { patchId: 'rpm:glibc@2.34-101.el9', state: 'missing' },
    ]);
    expect((await read(opened, 'web-01')).filter(([id]) => String(id).startsWith('deb:libbar1'))).toEqual([
      ['deb:libbar1@1.1-1', 'superseded', 'deb:libbar1@1.2-1', '2026-11-01'],
      ['deb:libbar1@1.2-1', 'superseded', 'deb:libbar1@1.3-1', '2026-11-01'],
      ['deb:libbar1@1.3-1', 'missing', null, '2026-11-01'],
    ]);
  });

  it.each<Writer>(['findings.record', 'scans.recordMany'])('%s: an rpm version dropped for a newer one is installed when the host runs at least it, in RPM’s order', async (writer) => {
    await prepare();
    await write(opened, writer, 'web-01', 1, [
      { patchId: 'rpm:zlib@1.2.11-40.el9', state: 'missing', installed: '1.2.11-39.el9' },
      { patchId: 'rpm:libfoo@1.0.1-1.el9', state: 'missing', installed: '1.0.0-1.el9' },
      { patchId: 'rpm:openssl@1:3.0.7-27.el9', state: 'missing', installed: '1:3.0.7-25.el9' },
    ]);
    await write(opened, writer, 'web-01', 3, [
      // The host got -40 (rpm -q says so), then the mirror published -41.
      { patchId: 'rpm:zlib@1.2.11-41.el9', state: 'missing', installed: '1.2.11-40.el9' },
      // 1.0+1 is 1.0.1 to rpm (separators do not count; Debian's order puts it before 1.0.1).
      { patchId: 'rpm:libfoo@1.0.2-1.el9', state: 'missing', installed: '1.0+1-1.el9' },
      // The mirror replaced -27 by -28 while the host ran -25: superseded, the clock carried.
      { patchId: 'rpm:openssl@1:3.0.7-28.el9', state: 'missing', installed: '1:3.0.7-25.el9' },
    ]);
    expect(await read(opened, 'web-01')).toEqual([
      ['rpm:libfoo@1.0.1-1.el9', 'installed', null, '2026-11-01'],
      ['rpm:libfoo@1.0.2-1.el9', 'missing', null, '2026-11-03'],
      ['rpm:openssl@1:3.0.7-27.el9', 'superseded', 'rpm:openssl@1:3.0.7-28.el9', '2026-11-01'],
      ['rpm:openssl@1:3.0.7-28.el9', 'missing', null, '2026-11-01'],
      ['rpm:zlib@1.2.11-40.el9', 'installed', null, '2026-11-01'],
      ['rpm:zlib@1.2.11-41.el9', 'missing', null, '2026-11-03'],
    ]);
  });

  it('stores the same findings whichever writer wrote them', async () => {
    await prepare();
    const reports: [number, FindingInput[]][] = [
      [
        1,
        [
          { patchId: 'deb:libbar1@1.1-1', state: 'missing', installed: '1.0-1' },
          { patchId: 'DSA-5600-1', state: 'missing' },
        ],
      ],
      [
        2,
        [
          { patchId: 'deb:libbar1@1.2-1', state: 'missing', installed: '1.0-1' },
          { patchId: 'DSA-5600-1', state: 'missing' },
        ],
      ],
      [3, [{ patchId: 'deb:libbar1@1.3-1', state: 'missing', installed: '1.2-1' }]],
    ];
    for (const [n, findings] of reports) {
      await write(opened, 'findings.record', 'web-01', n, findings);
      await write(opened, 'scans.recordMany', 'web-02', n, findings);
    }
    const one = await read(opened, 'web-01');
    expect(one).toEqual([
      ['DSA-5600-1', 'installed', null, '2026-11-01'],
      ['deb:libbar1@1.1-1', 'superseded', 'deb:libbar1@1.2-1', '2026-11-01'],
      // The host got 1.2-1 before 1.3-1 came: a fresh clock for 1.3-1.
      ['deb:libbar1@1.2-1', 'installed', null, '2026-11-01'],
      ['deb:libbar1@1.3-1', 'missing', null, '2026-11-03'],
    ]);
    expect(await read(opened, 'web-02')).toEqual(one);
  });

  it('writes nothing when a host reports again what its findings were written from, and prunes superseded findings with the installed ones', async () => {
    await prepare();
    const { store, sql } = opened;
    await write(opened, 'scans.recordMany', 'web-01', 1, [{ patchId: 'deb:libbar1@1.1-1', state: 'missing', installed: '1.0-1' }]);
    await write(opened, 'scans.recordMany', 'web-01', 2, [{ patchId: 'deb:libbar1@1.2-1', state: 'missing', installed: '1.0-1' }]);
    const rows = () => sql.query<{ patch_id: string; v: string }>(`select patch_id, xmin::text || '/' || xmax::text as v from findings where host = 'web-01' order by patch_id`);
    const before = await rows();
    await write(opened, 'scans.recordMany', 'web-01', 3, [{ patchId: 'deb:libbar1@1.2-1', state: 'missing', installed: '1.0-1' }]);
    expect(await rows()).toEqual(before);
    expect((await store.findings.byHost('web-01')).map((f) => [f.patchId, f.lastSeen.toISOString().slice(0, 10)])).toEqual([
      ['deb:libbar1@1.1-1', '2026-11-02'],
      ['deb:libbar1@1.2-1', '2026-11-03'],
    ]);
    expect(await store.findings.pruneInstalled(day(2))).toBe(0);
    expect(await store.findings.pruneInstalled(day(3))).toBe(1);
    expect((await store.findings.byHost('web-01')).map((f) => f.patchId)).toEqual(['deb:libbar1@1.2-1']);
  });
});
