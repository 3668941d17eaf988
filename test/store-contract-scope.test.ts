import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenedStore } from '../adapters/postgres/open-store.ts';
import type { FindingInput } from '../src/discovery/discovery-store.ts';
import type { Patch } from '../src/discovery/patch.ts';
import type { Host } from '../src/inventory/host.ts';
import { freshnessOf } from '../src/chat/answers/freshness.ts';
import { membersOf } from '../src/inventory/resolve.ts';
import { availableEngines, openFresh } from './support/engines.ts';

/**
 * The store contract, continued (test/store-contract.test.ts is at its size limit): the reads that
 * count and page over a scope of hosts in SQL (issue #20), on every engine.
 */

const host = (name: string, extra: Partial<Host> = {}): Host => ({
  name,
  address: '127.0.0.1',
  port: 22,
  user: 'root',
  os: 'debian',
  groups: [],
  tags: {},
  connection: 'ssh',
  ...extra,
});
const patch = (id: string, severity: Patch['severity'], firstSeen = new Date('2024-01-01T00:00:00Z')): Patch => ({
  id,
  title: `fix ${id}`,
  severity,
  security: true,
  cves: [],
  rebootHint: false,
  firstSeen,
});
const t = (hour: number) => new Date(Date.UTC(2024, 5, 1, hour));
const missing = (patchId: string, state: FindingInput['state'] = 'missing'): FindingInput => ({ patchId, state });

describe.each(availableEngines())('store contract (scoped reads) on %s', (engine) => {
  let opened: OpenedStore;
  const hosts = [
    host('a-01', { groups: ['web'], tags: { env: 'prod' } }),
    host('a-02', { groups: ['web'], tags: { env: 'prod', tier: 'edge' } }),
    host('a-03', { os: 'ubuntu', tags: { env: 'prod' } }),
    host('b-01', { tags: { env: 'test' } }),
    host('b-02', { os: 'rhel' }),
  ];
  const groups = [
    { name: 'web', production: true },
    { name: 'static', members: ['b-02', 'nobody'], production: false },
    { name: 'prod-ubuntu', selector: { os: ['ubuntu' as const], tags: { env: 'prod' } }, production: true },
    { name: 'prod', selector: { tags: { env: 'prod' } }, production: true },
    { name: 'empty-selector', selector: {}, production: false },
    { name: 'no-os', selector: { os: [] }, production: false },
  ];

  beforeAll(async () => {
    opened = await openFresh(engine);
    const { store } = opened;
    await store.hosts.sync(hosts);
    await store.groups.sync(groups);
    await store.patches.upsert([patch('P-crit', 'critical'), patch('P-imp', 'important'), patch('P-low', 'low')]);
    await store.scans.start(
      's1',
      'test',
      hosts.map((h) => h.name),
      t(1),
    );
    await store.scans.start(
      's2',
      'test',
      hosts.map((h) => h.name),
      t(5),
    );
    // s1: every host but b-02; s2 (later): a-03 unreachable, a-01 again.
    await store.scans.recordMany([
      { result: { scanId: 's1', host: 'a-01', outcome: 'ok', startedAt: t(1), finishedAt: t(1), rebootRequired: false }, findings: [missing('P-crit'), missing('P-imp')] },
      {
        result: { scanId: 's1', host: 'a-02', outcome: 'ok', startedAt: t(1), finishedAt: t(2), rebootRequired: true },
        findings: [missing('P-imp', 'failed'), missing('P-low', 'pending-reboot')],
      },
      { result: { scanId: 's1', host: 'a-03', outcome: 'ok', startedAt: t(1), finishedAt: t(1), rebootRequired: null }, findings: [missing('P-imp'), missing('P-low', 'installed')] },
      { result: { scanId: 's1', host: 'b-01', outcome: 'ok', startedAt: t(1), finishedAt: t(3), rebootRequired: false }, findings: [] },
    ]);
    await store.scans.recordHost({ scanId: 's2', host: 'a-03', outcome: 'unreachable', error: 'timeout', startedAt: t(5), finishedAt: t(5) });
    await store.scans.recordMany([{ result: { scanId: 's2', host: 'a-01', outcome: 'ok', startedAt: t(5), finishedAt: t(6), rebootRequired: true }, findings: [missing('P-crit')] }]);
  });
  afterAll(async () => opened?.store.close());

  it("finds a group's members by the same rule as membersOf, and null for an unknown group", async () => {
    for (const group of groups) {
      expect(await opened.store.groups.memberNames(group.name), group.name).toEqual(membersOf(group, hosts).map((h) => h.name));
    }
    expect(await opened.store.groups.memberNames('nope')).toBeNull();
    // Counted by the same rule, several groups at once (an approval card's targets); unknown ones absent.
    const counts = await opened.store.groups.memberCounts([...groups.map((g) => g.name), 'nope']);
    expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(groups.map((g) => [g.name, membersOf(g, hosts).length])));
  });

  it("keeps each host's latest scan as scans are recorded, one at a time or many; an older scan stored late does not replace it", async () => {
    const { store } = opened;
    await store.scans.recordHost({ scanId: 's1', host: 'a-01', outcome: 'failed', error: 'late retry of s1', startedAt: t(1), finishedAt: t(1) });
    expect((await store.scans.latestOf(['a-01', 'a-03', 'b-02'])).map((s) => [s.host, s.scanId, s.outcome, s.error ?? null, s.rebootRequired])).toEqual([
      ['a-01', 's2', 'ok', null, true],
      ['a-03', 's2', 'unreachable', 'timeout', null],
    ]);
    expect((await store.scans.latestPerHost()).map((s) => s.host)).toEqual(['a-01', 'a-02', 'a-03', 'b-01']);
    // The history keeps both of a-01's scans.
    expect((await store.scans.results('s1')).find((r) => r.host === 'a-01')?.error).toBe('late retry of s1');
  });

  it('summarises freshness over a scope: counts, and the first hosts of each list', async () => {
    const all = await opened.store.scans.freshness(null, 5);
    expect(all).toEqual({
      hosts: 5,
      scanned: 3,
      newest: t(6),
      oldest: t(2),
      unreachable: { count: 1, outcomes: ['unreachable'], first: [{ host: 'a-03', outcome: 'unreachable', triedAt: t(5), lastSeen: t(1) }] },
      neverScanned: { count: 1, first: ['b-02'] },
    });
    const web = await opened.store.scans.freshness(['a-01', 'a-02'], 5);
    expect(web).toMatchObject({ hosts: 2, scanned: 2, newest: t(6), oldest: t(2), unreachable: { count: 0, first: [] }, neverScanned: { count: 0 } });
    expect((await opened.store.scans.freshness(['a-03', 'b-02', 'b-01'], 0)).neverScanned).toEqual({ count: 1, first: [] });
  });

  it('counts reboot flags of the latest scans and pages the hosts', async () => {
    const facts = await opened.store.scans.reboots(null, 1);
    expect(facts.scanned).toBe(4);
    expect(facts.required.count).toBe(2);
    expect(facts.required.first.map((s) => [s.host, s.scanId, s.finishedAt])).toEqual([['a-01', 's2', t(6)]]);
    // a-03's latest scan was unreachable: not a scan that could not tell, a host that was not scanned.
    expect(facts.unknown).toEqual({ count: 0, first: [], reasons: [] });
    expect(facts.notScanned).toBe(1);
    expect((await opened.store.scans.reboots(['a-02', 'b-01'], null)).required.first.map((s) => s.host)).toEqual(['a-02']);
    // The next page of the hosts that need a reboot starts after the first.
    expect((await opened.store.scans.reboots(null, 1, 1)).required.first.map((s) => s.host)).toEqual(['a-02']);
    expect((await opened.store.scans.reboots(null, 1, 2)).required).toEqual({ count: 2, first: [] });
  });

  it('covers one patch over a scope: per state a count, the first hosts of the states no answer pages, and the hosts with no finding', async () => {
    const all = await opened.store.findings.patchCoverage('P-imp', null, 1);
    expect(all.counts).toEqual({ missing: 1, failed: 1, installed: 1, 'pending-reboot': 0, excluded: 0, superseded: 0 });
    // a-01 no longer reports P-imp (s2): installed. The states findingsOfPatch pages are counted, never listed here too.
    expect(Object.keys(all.first).sort()).toEqual(['excluded', 'installed', 'pending-reboot']);
    expect(all.first.installed).toMatchObject([{ host: 'a-01', state: 'installed', scanId: 's2' }]);
    expect(all.notReported).toEqual({ count: 2, first: ['b-01'] });
    const some = await opened.store.findings.patchCoverage('P-imp', ['a-02', 'b-02'], null);
    expect([some.counts.missing, some.counts.failed, some.counts.installed]).toEqual([0, 1, 0]);
    expect(some.notReported).toEqual({ count: 1, first: ['b-02'] });
    // The hosts that need it (missing or failed), by name, a page at a time.
    expect((await opened.store.findings.findingsOfPatch('P-imp', null, ['missing', 'failed'], null, 0)).map((f) => [f.host, f.state])).toEqual([
      ['a-02', 'failed'],
      ['a-03', 'missing'],
    ]);
    expect((await opened.store.findings.findingsOfPatch('P-imp', null, ['missing', 'failed'], 1, 1)).map((f) => f.host)).toEqual(['a-03']);
    expect((await opened.store.findings.findingsOfPatch('P-imp', null, ['missing'], null, 0)).map((f) => f.host)).toEqual(['a-03']);
    expect(await opened.store.findings.findingsOfPatch('P-imp', ['b-01'], ['missing', 'failed'], 1, 0)).toEqual([]);
  });

  it('aggregates what is pending per patch and per severity, counting each host once', async () => {
    const all = await opened.store.findings.pendingIn(null);
    expect([...all.patches].sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { id: 'P-crit', title: 'fix P-crit', severity: 'critical', hosts: 1 },
      { id: 'P-imp', title: 'fix P-imp', severity: 'important', hosts: 2 },
    ]);
    expect(all.hostsBySeverity).toEqual({ critical: 1, important: 2, moderate: 0, low: 0, unknown: 0 });
    expect(all.affectedHosts).toBe(3);
    expect(all.patchesBySeverity).toEqual({ critical: 1, important: 1, moderate: 0, low: 0, unknown: 0 });
    // Most urgent first, and a page of them: the store orders and skips.
    expect(all.patches.map((p) => p.id)).toEqual(['P-crit', 'P-imp']);
    expect((await opened.store.findings.pendingIn(null, { limit: 1, offset: 1 })).patches.map((p) => p.id)).toEqual(['P-imp']);
    expect(await opened.store.findings.pendingIn(['b-01', 'b-02'])).toEqual({
      patches: [],
      patchesBySeverity: { critical: 0, important: 0, moderate: 0, low: 0, unknown: 0 },
      hostsBySeverity: { critical: 0, important: 0, moderate: 0, low: 0, unknown: 0 },
      affectedHosts: 0,
    });
  });

  it("reads one host's status at once: what its findings, latest scan, catalog rows and freshness say read apart; null for no such host", async () => {
    const { store } = opened;
    // a-01: rescanned (one finding now installed); a-02: failed and pending-reboot; a-03: unreachable with older findings;
    // b-01: scanned, nothing found; b-02: never scanned.
    for (const { name, os, groups, tags } of hosts) {
      const { lastSeen, ...facts } = (await store.findings.hostStatus(name))!;
      const findings = await store.findings.byHost(name);
      const catalog = new Map((await store.patches.byIds(findings.map((f) => f.patchId))).map((p) => [p.id, p.severity]));
      const [latest] = await store.scans.latestOf([name]);
      expect(facts, name).toEqual({ host: { name, os, groups, tags }, latestScan: latest ?? null, findings: findings.map((f) => ({ ...f, severity: catalog.get(f.patchId) ?? 'unknown' })) });
      expect(freshnessOf([name], latest ? [latest] : [], lastSeen ? new Map([[name, lastSeen]]) : new Map()), name).toEqual(await store.scans.freshness([name], 5));
    }
    expect((await store.findings.hostStatus('a-03'))?.lastSeen).toEqual(t(1));
    expect((await store.findings.hostStatus('a-02'))?.findings.map((f) => [f.patchId, f.state, f.severity])).toEqual([
      ['P-imp', 'failed', 'important'],
      ['P-low', 'pending-reboot', 'low'],
    ]);
    expect(await store.findings.hostStatus('b-02')).toEqual({ host: { name: 'b-02', os: 'rhel', groups: [], tags: {} }, latestScan: null, lastSeen: null, findings: [] });
    expect(await store.findings.hostStatus('web')).toBeNull();
  });

  it('reads open findings of many hosts at once, and patches by id', async () => {
    const open = await opened.store.findings.openOf(['a-02', 'a-03', 'zz']);
    expect(open.map((f) => [f.host, f.patchId, f.state])).toEqual([
      ['a-02', 'P-imp', 'failed'],
      ['a-02', 'P-low', 'pending-reboot'],
      ['a-03', 'P-imp', 'missing'],
    ]);
    expect((await opened.store.patches.byIds(['P-low', 'nope', 'P-crit'])).map((p) => p.id)).toEqual(['P-crit', 'P-low']);
  });

  it("forgets scan history and installed findings by age, keeping each host's latest scan and every open finding", async () => {
    const { store } = opened;
    expect(await store.scans.pruneHistory(t(4))).toBe(4);
    expect(await store.scans.results('s1')).toEqual([]);
    expect(await store.scans.progress('s1')).not.toBeNull(); // s1 never finished: a scan still running is not history
    expect((await store.scans.latestPerHost()).map((s) => [s.host, s.scanId])).toEqual([
      ['a-01', 's2'],
      ['a-02', 's1'],
      ['a-03', 's2'],
      ['b-01', 's1'],
    ]);
    expect(await store.findings.pruneInstalled(t(4))).toBe(1); // a-03's P-low; a-01's P-imp was installed at t(6)
    expect((await store.findings.byHost('a-03')).map((f) => f.patchId)).toEqual(['P-imp']);
    expect(await store.findings.pruneInstalled(t(4))).toBe(0);
  });
});
