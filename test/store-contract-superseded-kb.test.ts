import { expect, it } from 'vitest';
import type { FindingInput } from '../src/discovery/discovery-store.ts';
import type { Patch } from '../src/discovery/patch.ts';
import type { OpenedStore } from '../adapters/postgres/open-store.ts';
import { storeContract } from './support/store-contract.ts';

/**
 * A Windows KB that a newer cumulative update supersedes (outside review, finding 6): the Update
 * Agent stops offering it, so it drops out of the report whether or not the host installed it. It
 * is `installed` only when the scan shows the host has it (installedKbs: Get-HotFix and the Update
 * Agent's history), else `superseded`; with no UpdateIDs (these scans) no successor is named
 * (test/store-contract-kb-successor.test.ts links one). A scan that cannot show every KB
 * (no installedKbs: older scans) closes it installed, as before. Both writers, both engines.
 */
const day = (n: number) => new Date(Date.UTC(2026, 10, n));
const patch = (id: string): Patch => ({ id, title: id, severity: 'important', security: true, cves: [], rebootHint: false, firstSeen: day(1) });
const PATCHES = ['KB5034441', 'KB5034439', 'KB5035000', 'KB5036893', 'KB890830', 'DSA-5600-1', 'deb:libbar1@1.1-1', 'deb:libbar1@1.2-1'];

type Writer = 'findings.record' | 'scans.recordMany';
const write = async (opened: OpenedStore, writer: Writer, host: string, n: number, findings: FindingInput[], installedKbs?: string[]) => {
  const scanId = `s${n}`;
  const at = day(n);
  if (writer === 'findings.record') return opened.store.findings.record(scanId, host, findings, at, installedKbs);
  await opened.store.scans.recordMany([
    {
      result: { scanId, host, outcome: 'ok', startedAt: at, finishedAt: at, rebootRequired: false, installed: installedKbs ?? [], warnings: [] },
      findings,
      ...(installedKbs ? { installedKbs } : {}),
    },
  ]);
};
const read = async (opened: OpenedStore, host: string) =>
  (await opened.store.findings.byHost(host)).map((f) => [f.patchId, f.state, f.supersededBy ?? null, f.firstSeen.toISOString().slice(0, 10)]);

storeContract('store contract, superseded Windows KBs', (opened) => {
  const prepare = async () => {
    await opened.store.patches.upsert(PATCHES.map(patch), 's1');
    for (const n of [1, 2, 3]) await opened.store.scans.start(`s${n}`, 'schedule', ['win-01', 'win-02', 'web-01'], day(n));
  };

  it.each<Writer>(['findings.record', 'scans.recordMany'])('%s: a KB no longer offered is installed only when the scan shows the host has it', async (writer) => {
    await prepare();
    await write(opened, writer, 'win-01', 1, [
      { patchId: 'KB5034441', state: 'missing' },
      { patchId: 'KB5034439', state: 'missing' },
      { patchId: 'KB890830', state: 'missing' },
      { patchId: 'KB5035000', state: 'pending-reboot' },
    ]);
    // KB5036893 supersedes KB5034441, which the host never got; the host got KB5034439 (Get-HotFix)
    // and KB890830 (not CBS: only the Update Agent's history shows it).
    await write(opened, writer, 'win-01', 2, [{ patchId: 'KB5036893', state: 'missing' }], ['KB5000001', 'KB5034439', 'KB890830']);
    expect(await read(opened, 'win-01')).toEqual([
      ['KB5034439', 'installed', null, '2026-11-01'],
      ['KB5034441', 'superseded', null, '2026-11-01'],
      // Installed and awaiting a reboot: the host had it, whatever its lists say now.
      ['KB5035000', 'installed', null, '2026-11-01'],
      // No successor known, no clock carried: a fresh one for the new update.
      ['KB5036893', 'missing', null, '2026-11-02'],
      ['KB890830', 'installed', null, '2026-11-01'],
    ]);
    const { store } = opened;
    expect((await store.findings.openOf(['win-01'])).map((f) => f.patchId)).toEqual(['KB5036893']);
    expect(await store.findings.hostsByPatch(['KB5034441'], ['missing', 'failed', 'pending-reboot', 'installed'])).toEqual(new Map());
    expect((await store.findings.patchCoverage('KB5034441', ['win-01'], 5)).counts).toMatchObject({ superseded: 1, installed: 0 });

    // Offered again (the superseding update was pulled): open again, no longer superseded.
    await write(opened, writer, 'win-01', 3, [{ patchId: 'KB5034441', state: 'missing' }], []);
    expect((await read(opened, 'win-01')).filter(([id]) => id === 'KB5034441' || id === 'KB5036893')).toEqual([
      ['KB5034441', 'missing', null, '2026-11-01'],
      ['KB5036893', 'superseded', null, '2026-11-02'],
    ]);
  });

  it.each<Writer>(['findings.record', 'scans.recordMany'])('%s: without installedKbs (a scan from before the history) a KB that drops out is installed, as before', async (writer) => {
    await prepare();
    await write(opened, writer, 'win-02', 1, [{ patchId: 'KB5034441', state: 'missing' }]);
    await write(opened, writer, 'win-02', 2, [{ patchId: 'KB5036893', state: 'missing' }]);
    expect(await read(opened, 'win-02')).toEqual([
      ['KB5034441', 'installed', null, '2026-11-01'],
      ['KB5036893', 'missing', null, '2026-11-02'],
    ]);
  });

  it.each<Writer>(['findings.record', 'scans.recordMany'])('%s: installedKbs leaves advisories and package versions to their own rules', async (writer) => {
    await prepare();
    await write(opened, writer, 'web-01', 1, [
      { patchId: 'DSA-5600-1', state: 'missing' },
      { patchId: 'deb:libbar1@1.1-1', state: 'missing', installed: '1.0-1' },
    ]);
    await write(opened, writer, 'web-01', 2, [{ patchId: 'deb:libbar1@1.2-1', state: 'missing', installed: '1.1-1' }], []);
    expect(await read(opened, 'web-01')).toEqual([
      ['DSA-5600-1', 'installed', null, '2026-11-01'],
      ['deb:libbar1@1.1-1', 'installed', null, '2026-11-01'],
      ['deb:libbar1@1.2-1', 'missing', null, '2026-11-02'],
    ]);
  });

  it('one batch of hosts closes each KB by its own host’s list', async () => {
    await prepare();
    const host = (name: string, n: number, findings: FindingInput[], installedKbs?: string[]) => {
      const at = day(n);
      return {
        result: { scanId: `s${n}`, host: name, outcome: 'ok' as const, startedAt: at, finishedAt: at, rebootRequired: false, installed: installedKbs ?? [], warnings: [] },
        findings,
        ...(installedKbs ? { installedKbs } : {}),
      };
    };
    await opened.store.scans.recordMany([host('win-01', 1, [{ patchId: 'KB5034441', state: 'missing' }]), host('win-02', 1, [{ patchId: 'KB5034441', state: 'missing' }])]);
    await opened.store.scans.recordMany([
      host('win-01', 2, [{ patchId: 'KB5036893', state: 'missing' }], ['KB5034441']),
      host('win-02', 2, [{ patchId: 'KB5036893', state: 'missing' }], ['KB5034439']),
    ]);
    expect((await read(opened, 'win-01'))[0]).toEqual(['KB5034441', 'installed', null, '2026-11-01']);
    expect((await read(opened, 'win-02'))[0]).toEqual(['KB5034441', 'superseded', null, '2026-11-01']);
  });
});
