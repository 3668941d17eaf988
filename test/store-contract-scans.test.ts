import { expect, it } from 'vitest';
import { MAX_CVES, MAX_TITLE } from '../src/discovery/patch-bounds.ts';
import { MissingReferenceError } from '../src/shared/store-errors.ts';
import { patch, storeContract } from './support/store-contract.ts';

/** The store contract (store-contract.test.ts) for what scans write: patches, host scans, findings. */
storeContract('store contract, patches, scans and findings', (opened) => {
  it('tells newly discovered patches from known ones', async () => {
    const { store } = opened;
    expect((await store.patches.upsert([patch('KB5034441', 'critical'), patch('DSA-5600-1')])).sort()).toEqual(['DSA-5600-1', 'KB5034441']);
    expect(await store.patches.upsert([patch('KB5034441', 'critical'), patch('USN-6600-1')])).toEqual(['USN-6600-1']);
    expect(await store.patches.get('KB5034441')).toEqual({ ...patch('KB5034441', 'critical'), floor: { severity: 'critical', security: true } });
    // A re-rating upwards updates it; first-seen and the first title stay what they were, and the weakest claim made stays.
    const rerated = { ...patch('USN-6600-1', 'critical'), title: 'fix USN-6600-1 (revised)', firstSeen: new Date('2025-01-01T00:00:00Z') };
    expect(await store.patches.upsert([rerated])).toEqual([]);
    expect(await store.patches.get('USN-6600-1')).toEqual({
      ...rerated,
      title: patch('USN-6600-1').title,
      firstSeen: patch('USN-6600-1').firstSeen,
      floor: { severity: 'important', security: true },
    });
    // One report never weakens what warns (a hostile host): severity, security, reboot hint and CVEs
    // only grow. It lowers the weakest claim, what grants pre-approval (catalog-merge.ts).
    await store.patches.upsert([{ ...patch('USN-6600-1', 'low'), security: false, cves: ['CVE-2024-9999'] }]);
    expect(await store.patches.get('USN-6600-1')).toMatchObject({
      severity: 'critical',
      security: true,
      cves: [...patch('USN-6600-1').cves, 'CVE-2024-9999'],
      floor: { severity: 'low', security: false },
    });
  });

  it('keeps every patch within the catalog bounds, whatever calls the upsert (review finding 3)', async () => {
    const { store } = opened;
    const cve = (n: number) => `CVE-2024-${10000 + n}`;
    const cves = (from: number) => [...Array.from({ length: 300 }, (_, i) => cve(from + i)), `CVE-2024-${'9'.repeat(100_000)}`, 'not a cve'];
    expect(await store.patches.upsert([{ ...patch('KB5034441'), title: 'X'.repeat(1_000_000), cves: cves(0) }])).toEqual(['KB5034441']);
    await store.patches.upsert([{ ...patch('KB5034441'), cves: cves(1000) }]);
    const stored = await store.patches.get('KB5034441');
    expect(stored?.title).toBe(`${'X'.repeat(MAX_TITLE - 1)}…`);
    expect(stored?.cves).toEqual(Array.from({ length: MAX_CVES }, (_, i) => cve(i)));
    // A list not yet full takes new CVEs only up to the bound.
    await store.patches.upsert([{ ...patch('KB5034442'), cves: cves(0).slice(0, 150) }]);
    await store.patches.upsert([{ ...patch('KB5034442'), cves: cves(2000) }]);
    expect((await store.patches.get('KB5034442'))?.cves).toEqual([...cves(0).slice(0, 150), ...cves(2000).slice(0, 50)]);
  });

  it('records findings per scan and marks patches gone from a rescan as installed', async () => {
    const { store } = opened;
    await store.patches.upsert([patch('KB5034441', 'critical'), patch('DSA-5600-1'), patch('USN-6600-1')], 'scan-1');
    const t1 = new Date('2024-02-01T00:00:00Z');
    const t2 = new Date('2024-02-02T00:00:00Z');
    await store.findings.record(
      'scan-1',
      'web-02',
      [
        { patchId: 'KB5034441', state: 'missing' },
        { patchId: 'DSA-5600-1', state: 'missing' },
      ],
      t1,
    );
    await store.findings.record('scan-2', 'web-02', [{ patchId: 'DSA-5600-1', state: 'pending-reboot' }], t2);
    const byHost = await store.findings.byHost('web-02');
    expect(byHost.map((f) => [f.patchId, f.state, f.scanId])).toEqual([
      ['DSA-5600-1', 'pending-reboot', 'scan-2'],
      ['KB5034441', 'installed', 'scan-2'],
    ]);
    expect(byHost[0]!.firstSeen).toEqual(t1);
    expect(byHost[0]!.lastSeen).toEqual(t2);
    expect((await store.findings.byPatch('KB5034441')).map((f) => f.host)).toEqual(['web-02']);
    await store.findings.record('scan-2', 'db-01', [{ patchId: 'DSA-5600-1', state: 'missing' }], t2);
    expect(await store.findings.hostsByPatch(['DSA-5600-1', 'KB5034441', 'USN-6600-1'], ['missing', 'pending-reboot'])).toEqual(new Map([['DSA-5600-1', ['db-01', 'web-02']]]));
    expect(await store.findings.hostsByPatch(['DSA-5600-1', 'KB5034441'], ['installed'])).toEqual(new Map([['KB5034441', ['web-02']]]));
    expect(await store.findings.hostsByPatch([], ['missing'])).toEqual(new Map());
    // The digest's facts of the patches a scan discovered: hosts that need each (missing or failed; not pending-reboot or installed), the
    // first names merged across states, and distinct hosts over all; the inventory by shape when asked (no host is in it here).
    await store.patches.upsert([patch('RHSA-2024:0001')], 'scan-2');
    await store.findings.record(
      'scan-2',
      'web-03',
      [
        { patchId: 'KB5034441', state: 'failed' },
        { patchId: 'DSA-5600-1', state: 'missing' },
        { patchId: 'RHSA-2024:0001', state: 'missing' },
      ],
      t2,
    );
    expect(await store.findings.discovered('scan-1', 1, null)).toEqual({
      byPatch: new Map([
        ['DSA-5600-1', { count: 2, first: ['db-01'] }],
        ['KB5034441', { count: 1, first: ['web-03'] }],
      ]),
      hosts: 2,
      shapes: null,
    });
    expect(await store.findings.discovered('scan-1', 3, { named: [] })).toMatchObject({
      byPatch: new Map([
        ['DSA-5600-1', { count: 2, first: ['db-01', 'web-03'] }],
        ['KB5034441', { count: 1, first: ['web-03'] }],
      ]),
      shapes: [],
    });
    expect(await store.findings.discovered('scan-2', 3, null)).toEqual({ byPatch: new Map([['RHSA-2024:0001', { count: 1, first: ['web-03'] }]]), hosts: 1, shapes: null });
    expect(await store.findings.discovered('scan-9', 3, { named: [] })).toEqual({ byPatch: new Map(), hosts: 0, shapes: [] });

    // A finding for a patch the store does not know is refused, and the host's findings stay as they were.
    await expect(
      store.findings.record(
        'scan-3',
        'web-02',
        [
          { patchId: 'DSA-5600-1', state: 'missing' },
          { patchId: 'DSA-9998-1', state: 'missing' },
          { patchId: 'DSA-9997-1', state: 'missing' },
        ],
        t2,
      ),
    ).rejects.toSatisfy((error) => error instanceof MissingReferenceError && /2 patch\(es\) the store does not know: DSA-9997-1, DSA-9998-1/.test(error.message));
    expect((await store.findings.byHost('web-02')).map((f) => [f.patchId, f.state, f.scanId])).toEqual([
      ['DSA-5600-1', 'pending-reboot', 'scan-2'],
      ['KB5034441', 'installed', 'scan-2'],
    ]);
  });

  it('keeps the latest scan per host for freshness', async () => {
    const { store } = opened;
    await store.scans.start('s1', 'alice', ['web'], new Date('2024-03-01T00:00:00Z'));
    await store.scans.start('s2', 'schedule', ['web'], new Date('2024-03-02T00:00:00Z'));
    const at = (d: string) => new Date(`2024-03-0${d}T00:01:00Z`);
    await store.scans.recordHost({ scanId: 's1', host: 'web-02', outcome: 'ok', startedAt: at('1'), finishedAt: at('1') });
    await store.scans.recordHost({ scanId: 's2', host: 'web-02', outcome: 'unreachable', error: 'connect ETIMEDOUT', startedAt: at('2'), finishedAt: at('2') });
    await store.scans.recordHost({ scanId: 's1', host: 'db-01', outcome: 'ok', startedAt: at('1'), finishedAt: at('1') });
    await store.scans.finish('s2', at('2'));
    const latest = await store.scans.latestPerHost();
    expect(latest.map((s) => [s.host, s.outcome, s.error ?? null])).toEqual([
      ['db-01', 'ok', null],
      ['web-02', 'unreachable', 'connect ETIMEDOUT'],
    ]);
  });

  it('remembers which scan first saw a patch, and finishes a scan exactly once when every host reported', async () => {
    const { store } = opened;
    const at = new Date('2024-04-01T00:00:00Z');
    await store.patches.upsert([patch('KB5034441')]);
    await store.scans.start('s-new', 'schedule', ['h1', 'h2'], at);
    expect(await store.patches.upsert([patch('DSA-5700-1'), patch('KB5034441')], 's-new')).toEqual(['DSA-5700-1']);
    expect((await store.patches.firstSeenIn('s-new')).map((p) => p.id)).toEqual(['DSA-5700-1']);
    await store.scans.recordHost({
      scanId: 's-new',
      host: 'h1',
      outcome: 'ok',
      startedAt: at,
      finishedAt: at,
      rebootRequired: true,
      osName: 'Debian GNU/Linux 12 (bookworm)',
      installed: [],
      missingCount: 3,
      warnings: ['lists are 9 days old'],
    });
    expect(await store.scans.tryFinish('s-new', at)).toBe(false);
    await store.scans.recordHost({ scanId: 's-new', host: 'h2', outcome: 'failed', error: 'h2: apt output truncated', startedAt: at, finishedAt: at });
    const finishes = await Promise.all([store.scans.tryFinish('s-new', at), store.scans.tryFinish('s-new', at), store.scans.tryFinish('s-new', at)]);
    expect(finishes.filter(Boolean)).toHaveLength(1);
    expect(await store.scans.progress('s-new')).toMatchObject({ hosts: 2, done: 2, ok: 1, failed: 1, unreachable: 0, finishedAt: at, lastResultAt: at });
    const results = await store.scans.results('s-new');
    expect(results[0]).toMatchObject({ host: 'h1', rebootRequired: true, osName: 'Debian GNU/Linux 12 (bookworm)', missingCount: 3, warnings: ['lists are 9 days old'] });
    expect(results[1]).toMatchObject({ host: 'h2', outcome: 'failed', error: 'h2: apt output truncated', rebootRequired: null });
    expect(await store.scans.progress('nope')).toBeNull();
  });

  it('counts each host once towards finishing a scan, however often its result is written (a retried job)', async () => {
    const { store } = opened;
    const at = new Date('2024-05-01T00:00:00Z');
    await store.scans.start('s-twice', 'u', ['t1', 't2', 't3'], at);
    const result = (host: string) => ({ scanId: 's-twice', host, outcome: 'unreachable' as const, error: 'connect ETIMEDOUT', startedAt: at, finishedAt: at });
    await store.scans.recordHost(result('t1'));
    await store.scans.recordHost(result('t1'));
    await store.scans.recordMany([{ result: result('t1') }, { result: result('t2') }]);
    await store.scans.recordMany([{ result: result('t2') }]);
    expect(await store.scans.tryFinish('s-twice', at)).toBe(false);
    expect(await store.scans.progress('s-twice')).toMatchObject({ hosts: 3, done: 2, finishedAt: null, lastResultAt: at });
    await store.scans.recordMany([{ result: result('t3') }, { result: result('t1') }]);
    expect(await store.scans.tryFinish('s-twice', at)).toBe(true);
    expect(await store.scans.tryFinish('s-twice', at)).toBe(false);
  });

  it("records many hosts' scans in one go, as findings.record and recordHost would one by one, and atomically", async () => {
    const { store } = opened;
    const t1 = new Date('2024-05-01T00:00:00Z');
    const t2 = new Date('2024-05-02T00:00:00Z');
    await store.patches.upsert([patch('DSA-5800-1'), patch('DSA-5801-1'), patch('DSA-5802-1')]);
    await store.scans.start('m1', 'schedule', ['m-01', 'm-02', 'm-03'], t1);
    await store.scans.start('m2', 'schedule', ['m-01', 'm-02', 'm-03'], t2);
    const ok = (scanId: string, host: string, at: Date, missingCount: number) => ({
      scanId,
      host,
      outcome: 'ok' as const,
      startedAt: at,
      finishedAt: at,
      rebootRequired: host === 'm-02',
      osName: 'Debian GNU/Linux 12 (bookworm)',
      installed: [],
      missingCount,
      warnings: [`w-${host}`],
    });
    const seen = async (host: string) => (await store.findings.byHost(host)).map((f) => [f.patchId, f.state, f.scanId, f.firstSeen.toISOString(), f.lastSeen.toISOString()]);
    await store.scans.recordMany([
      {
        result: ok('m1', 'm-01', t1, 2),
        findings: [
          { patchId: 'DSA-5800-1', state: 'missing' },
          { patchId: 'DSA-5801-1', state: 'missing' },
        ],
      },
      { result: ok('m1', 'm-02', t1, 1), findings: [{ patchId: 'DSA-5802-1', state: 'pending-reboot' }] },
      { result: { scanId: 'm1', host: 'm-03', outcome: 'unreachable', error: 'connect ETIMEDOUT', startedAt: t1, finishedAt: t1 } },
    ]);
    expect(await store.scans.tryFinish('m1', t1)).toBe(true);
    expect(await store.scans.progress('m1')).toMatchObject({ done: 3, ok: 2, unreachable: 1, failed: 0 });
    const results = await store.scans.results('m1');
    expect(results[0]).toMatchObject({ host: 'm-01', outcome: 'ok', missingCount: 2, rebootRequired: false, osName: 'Debian GNU/Linux 12 (bookworm)', installed: [], warnings: ['w-m-01'] });
    expect(results[1]).toMatchObject({ host: 'm-02', rebootRequired: true, missingCount: 1 });
    expect(results[2]).toMatchObject({ host: 'm-03', outcome: 'unreachable', error: 'connect ETIMEDOUT', rebootRequired: null, osName: null, missingCount: null });
    expect(await store.findings.byHost('m-03')).toEqual([]);

    // The next scan: what m-01 no longer reports is installed; m-02's failed scan leaves its findings as they were.
    await store.scans.recordMany([
      { result: ok('m2', 'm-01', t2, 1), findings: [{ patchId: 'DSA-5801-1', state: 'missing' }] },
      { result: { scanId: 'm2', host: 'm-02', outcome: 'failed', error: 'm-02: apt output truncated', startedAt: t2, finishedAt: t2 } },
    ]);
    expect(await seen('m-01')).toEqual([
      ['DSA-5800-1', 'installed', 'm2', t1.toISOString(), t2.toISOString()],
      ['DSA-5801-1', 'missing', 'm2', t1.toISOString(), t2.toISOString()],
    ]);
    expect(await seen('m-02')).toEqual([['DSA-5802-1', 'pending-reboot', 'm1', t1.toISOString(), t1.toISOString()]]);

    // One bad host (a patch the store does not know) stores nothing of its batch.
    await expect(
      store.scans.recordMany([
        { result: ok('m2', 'm-02', t2, 0), findings: [] },
        { result: ok('m2', 'm-03', t2, 1), findings: [{ patchId: 'DSA-9999-1', state: 'missing' }] },
      ]),
    ).rejects.toSatisfy((error) => error instanceof MissingReferenceError && /findings refer to 1 patch\(es\) the store does not know: DSA-9999-1/.test(error.message));
    expect(await seen('m-02')).toEqual([['DSA-5802-1', 'pending-reboot', 'm1', t1.toISOString(), t1.toISOString()]]);
    expect((await store.scans.results('m2')).map((r) => [r.host, r.outcome])).toEqual([
      ['m-01', 'ok'],
      ['m-02', 'failed'],
    ]);

    // A clean host: everything it missed is installed now; the same result as findings.record with nothing.
    await store.scans.recordMany([{ result: ok('m2', 'm-02', t2, 0), findings: [] }]);
    expect(await seen('m-02')).toEqual([['DSA-5802-1', 'installed', 'm2', t1.toISOString(), t2.toISOString()]]);
    expect((await store.scans.results('m2')).map((r) => [r.host, r.outcome, r.error ?? null])).toEqual([
      ['m-01', 'ok', null],
      ['m-02', 'ok', null],
    ]);
    await store.scans.recordMany([]);
  });
});
