import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashToken, newAccessToken, tokenOwner } from '../src/people/access-tokens.ts';
import { endSession, newSessionId, sessionPerson, startSession } from '../src/people/sign-in-sessions.ts';
import { migrate, migrationStatus } from '../adapters/postgres/migrate.ts';
import type { OpenedStore } from '../adapters/postgres/open-store.ts';
import { verifyChain } from '../src/audit/verify-chain.ts';
import type { Change } from '../src/changes/change.ts';
import type { Patch } from '../src/discovery/patch.ts';
import type { Host } from '../src/inventory/host.ts';
import { DuplicateKeyError, MissingReferenceError } from '../src/shared/store-errors.ts';
import { availableEngines, openFresh } from './support/engines.ts';

/**
 * One contract, every engine (DESIGN §7): the same tests on PGlite and on a PostgreSQL server.
 * Each test gets a database of its own (a fresh PGlite from the migrated template, a fresh
 * database on the server), so none depends on what another left behind, and refusals are our
 * typed store errors, never an engine's error codes.
 */

const host = (name: string, extra: Partial<Host> = {}): Host => ({
  name,
  address: '127.0.0.1',
  port: 22,
  user: 'root',
  os: 'debian',
  groups: ['web'],
  tags: { env: 'prod' },
  connection: 'ssh',
  ...extra,
});
const patch = (id: string, severity: Patch['severity'] = 'important'): Patch => ({
  id,
  title: `fix ${id}`,
  severity,
  security: true,
  cves: ['CVE-2024-0001'],
  rebootHint: false,
  firstSeen: new Date('2024-01-01T00:00:00Z'),
});
const change = (id: string, extra: Partial<Change> = {}): Change => ({
  id,
  class: 'normal',
  title: 'patch web',
  patches: ['KB5034441'],
  targets: ['web'],
  window: 'weeknights',
  requester: 'alice',
  policyName: 'production',
  policy: { eligible: ['role:cab'], required: 3, rejectWins: true, expiresInMs: null, notify: [], postReview: false },
  state: 'pending-approval',
  parentId: null,
  plan: { waves: [] },
  postReview: false,
  createdAt: new Date('2024-01-01T00:00:00Z'),
  updatedAt: new Date('2024-01-01T00:00:00Z'),
  expiresAt: null,
  ...extra,
});

describe.each(availableEngines())('store contract on %s', (engine) => {
  let opened: OpenedStore;
  beforeEach(async () => {
    opened = await openFresh(engine);
  });
  afterEach(async () => {
    await opened?.store.close();
  });

  it('is migrated, and migrating again applies nothing', async () => {
    expect(await opened.store.health()).toMatchObject({ ok: true });
    const status = await migrationStatus(opened.sql);
    expect(status.current).toBe(status.latest);
    expect((await migrate(opened.sql)).applied).toEqual([]);
  });

  it('round-trips hosts, groups and people, replacing on sync', async () => {
    const { store } = opened;
    await store.hosts.sync([host('web-01', { tags: { env: 'prod', cluster: 'a' } }), host('web-02', { port: 2222, os: 'ubuntu' })]);
    await store.hosts.sync([host('web-02', { port: 2222, os: 'ubuntu' }), host('db-01', { groups: [] })]);
    expect((await store.hosts.list()).map((h) => h.name)).toEqual(['db-01', 'web-02']);
    expect(await store.hosts.get('web-02')).toEqual(host('web-02', { port: 2222, os: 'ubuntu' }));
    expect(await store.hosts.get('web-01')).toBeNull();
    // Lookups made together share one query; each still gets its own answer.
    expect(await Promise.all(['web-02', 'db-01', 'web-01', 'web-02'].map((name) => store.hosts.get(name)))).toEqual([
      host('web-02', { port: 2222, os: 'ubuntu' }),
      host('db-01', { groups: [] }),
      null,
      host('web-02', { port: 2222, os: 'ubuntu' }),
    ]);

    await store.groups.sync([
      { name: 'web', members: ['web-02'], production: true },
      { name: 'ubuntu', selector: { os: ['ubuntu'] }, production: false },
    ]);
    expect(await store.groups.get('ubuntu')).toEqual({ name: 'ubuntu', selector: { os: ['ubuntu'] }, production: false });

    await store.people.sync([{ name: 'bob', email: 'Bob@Example.com', slack: 'U2', roles: ['cab'] }]);
    expect((await store.people.findBy('email', 'bob@example.com'))?.name).toBe('bob');
    expect((await store.people.findBy('slack', 'U2'))?.roles).toEqual(['cab']);
    expect(await store.people.findBy('teams', 'nobody')).toBeNull();
  });

  it('tells newly discovered patches from known ones', async () => {
    const { store } = opened;
    expect((await store.patches.upsert([patch('KB5034441', 'critical'), patch('DSA-5600-1')])).sort()).toEqual(['DSA-5600-1', 'KB5034441']);
    expect(await store.patches.upsert([patch('KB5034441', 'critical'), patch('USN-6600-1')])).toEqual(['USN-6600-1']);
    expect(await store.patches.get('KB5034441')).toEqual(patch('KB5034441', 'critical'));
    // A re-rating upwards updates it; first-seen and the first title stay what they were.
    const rerated = { ...patch('USN-6600-1', 'critical'), title: 'fix USN-6600-1 (revised)', firstSeen: new Date('2025-01-01T00:00:00Z') };
    expect(await store.patches.upsert([rerated])).toEqual([]);
    expect(await store.patches.get('USN-6600-1')).toEqual({ ...rerated, title: patch('USN-6600-1').title, firstSeen: patch('USN-6600-1').firstSeen });
    // One report never weakens the catalog (a hostile host): severity, security, reboot hint and CVEs only grow.
    await store.patches.upsert([{ ...patch('USN-6600-1', 'low'), security: false, cves: ['CVE-2024-9'] }]);
    expect(await store.patches.get('USN-6600-1')).toMatchObject({ severity: 'critical', security: true, cves: [...patch('USN-6600-1').cves, 'CVE-2024-9'] });
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

  it('creates changes with unique ids even when allocated concurrently, and moves state only by compare-and-set', async () => {
    const { store } = opened;
    const ids = await Promise.all(Array.from({ length: 20 }, () => store.changes.nextId()));
    expect(new Set(ids).size).toBe(20);
    const id = ids[0]!;
    await store.changes.create(change(id));
    expect(await store.changes.get(id)).toEqual(change(id));
    expect(await store.changes.setState(id, 'pending-approval', 'approved', new Date('2024-01-02T00:00:00Z'))).toBe(true);
    expect(await store.changes.setState(id, 'pending-approval', 'rejected', new Date('2024-01-02T00:00:00Z'))).toBe(false);
    expect((await store.changes.get(id))?.state).toBe('approved');
    expect((await store.changes.list({ states: ['approved'] })).map((c) => c.id)).toContain(id);
    expect((await store.changes.list({ states: ['rejected'] })).map((c) => c.id)).not.toContain(id);
  });

  it('keeps one vote per person, the latest replacing the earlier', async () => {
    const { store } = opened;
    const id = await store.changes.nextId();
    await store.changes.create(change(id));
    await store.votes.put({ changeId: id, person: 'bob', decision: 'approve', comment: null, surface: 'slack', at: new Date('2024-01-01T01:00:00Z') });
    await store.votes.put({ changeId: id, person: 'bob', decision: 'reject', comment: 'not now', surface: 'console', at: new Date('2024-01-01T02:00:00Z') });
    await store.votes.put({ changeId: id, person: 'carol', decision: 'approve', comment: null, surface: 'teams', at: new Date('2024-01-01T03:00:00Z') });
    expect((await store.votes.list(id)).map((v) => [v.person, v.decision, v.comment])).toEqual([
      ['bob', 'reject', 'not now'],
      ['carol', 'approve', null],
    ]);
    await store.tickets.link({ changeId: id, system: 'servicenow', key: 'CHG0030001', url: 'https://x.service-now.com/CHG0030001', state: 'new' });
    await store.tickets.link({ changeId: id, system: 'servicenow', key: 'CHG0030001', url: null, state: 'scheduled' });
    expect(await store.tickets.forChange(id)).toEqual([{ changeId: id, system: 'servicenow', key: 'CHG0030001', url: null, state: 'scheduled' }]);
  });

  it('refuses a second change under one id and a vote for no change, as typed store errors', async () => {
    const { store } = opened;
    const id = await store.changes.nextId();
    await store.changes.create(change(id));
    await expect(store.changes.create(change(id, { title: 'again' }))).rejects.toBeInstanceOf(DuplicateKeyError);
    await expect(store.transaction((tx) => tx.changes.create(change(id)))).rejects.toBeInstanceOf(DuplicateKeyError);
    expect((await store.changes.get(id))?.title).toBe('patch web');
    const vote = { changeId: 'CHG-404', person: 'bob', decision: 'approve' as const, comment: null, surface: 'console', at: new Date('2024-01-01T01:00:00Z') };
    await expect(store.votes.put(vote)).rejects.toBeInstanceOf(MissingReferenceError);
    await expect(store.votes.list('CHG-404')).resolves.toEqual([]);
  });

  it('rolls a transaction back when the work throws', async () => {
    const { store } = opened;
    const id = await store.changes.nextId();
    await expect(
      store.transaction(async (tx) => {
        await tx.changes.create(change(id));
        await tx.audit.append({ actor: 'alice', action: 'change.proposed', subject: id });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.changes.get(id)).toBeNull();
  });

  it('appends audit events as one unforked chain, even concurrently', async () => {
    const { store } = opened;
    await Promise.all(Array.from({ length: 25 }, (_, i) => store.audit.append({ actor: `p${i % 3}`, action: 'vote.cast', subject: 'CHG-1', data: { n: i, nested: { b: 1, a: [1, 'x'] } } })));
    const head = await store.audit.head();
    expect(head?.seq).toBe(25);
    const result = await verifyChain(store.audit.read());
    expect(result).toMatchObject({ ok: true, count: 25 });
  });

  it('keeps access tokens as hashes: finds by hash, revokes once, records last use', async () => {
    const { store } = opened;
    const token = newAccessToken();
    const created = new Date('2024-06-01T12:00:00Z');
    await store.accessTokens.create({ id: token.id, hash: token.hash, owner: 'alice', createdAt: created, expiresAt: null });
    expect(await store.accessTokens.byHash(token.hash)).toMatchObject({ id: token.id, owner: 'alice', lastUsedAt: null, revokedAt: null });
    expect(await store.accessTokens.byHash(hashToken('pat_other'))).toBeNull();
    expect(await tokenOwner(store.accessTokens, token.secret, new Date('2024-06-02T00:00:00Z'))).toBe('alice');
    expect((await store.accessTokens.list())[0]?.lastUsedAt).toEqual(new Date('2024-06-02T00:00:00Z'));
    // The secret itself is nowhere in the table.
    expect(JSON.stringify(await opened.sql.query('select * from access_tokens'))).not.toContain(token.secret);
    expect(await store.accessTokens.revoke(token.id, new Date())).toBe(true);
    expect(await store.accessTokens.revoke(token.id, new Date())).toBe(false);
    expect(await tokenOwner(store.accessTokens, token.secret, new Date())).toBeNull();
  });

  it('keeps sign-in sessions as hashes: live until ended or expired, ended once, pruned after', async () => {
    const { store } = opened;
    const at = (hour: number) => new Date(Date.UTC(2024, 5, 1, hour));
    const id = newSessionId();
    await startSession(store.signInSessions, id, 'bob', at(8), 12 * 3600_000);
    expect(await sessionPerson(store.signInSessions, id, at(9))).toBe('bob');
    expect(await sessionPerson(store.signInSessions, newSessionId(), at(9))).toBeNull();
    expect(await sessionPerson(store.signInSessions, id, at(20))).toBeNull(); // expired at 20:00
    expect(JSON.stringify(await opened.sql.query('select * from sign_in_sessions'))).not.toContain(id);
    expect(await endSession(store.signInSessions, id, at(10))).toBe(true);
    expect(await endSession(store.signInSessions, id, at(11))).toBe(false);
    expect(await sessionPerson(store.signInSessions, id, at(10))).toBeNull();
    const other = newSessionId();
    await startSession(store.signInSessions, other, 'carol', at(9), 12 * 3600_000);
    expect(await store.signInSessions.prune(at(12))).toBe(1); // bob's, ended at 10:00; carol's lives on
    expect(await sessionPerson(store.signInSessions, other, at(12))).toBe('carol');
  });

  it("ends every live sign-in session of one person at once, and nobody else's", async () => {
    const { store } = opened;
    const at = (hour: number) => new Date(Date.UTC(2024, 6, 1, hour));
    const [laptop, phone, ended, expired, hers] = [newSessionId(), newSessionId(), newSessionId(), newSessionId(), newSessionId()];
    await startSession(store.signInSessions, laptop, 'dave', at(8), 12 * 3600_000);
    await startSession(store.signInSessions, phone, 'dave', at(9), 12 * 3600_000);
    await startSession(store.signInSessions, ended, 'dave', at(8), 12 * 3600_000);
    await endSession(store.signInSessions, ended, at(9));
    await startSession(store.signInSessions, expired, 'dave', at(0), 3600_000);
    await startSession(store.signInSessions, hers, 'erin', at(8), 12 * 3600_000);
    expect(await store.signInSessions.endAllOf('dave', at(10))).toBe(2); // not the ended one, nor the expired one
    expect(await sessionPerson(store.signInSessions, laptop, at(10))).toBeNull();
    expect(await sessionPerson(store.signInSessions, phone, at(10))).toBeNull();
    expect(await sessionPerson(store.signInSessions, hers, at(10))).toBe('erin');
    expect(await store.signInSessions.endAllOf('dave', at(11))).toBe(0);
  });

  it('claims an idempotency key exactly once across concurrent callers', async () => {
    const { store } = opened;
    const claims = await Promise.all(Array.from({ length: 10 }, () => store.idempotency.claim('slack:action:1700000001.000200:U1', new Date())));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('forgets idempotency keys claimed before a given instant, and only those', async () => {
    const { store } = opened;
    const at = (day: string) => new Date(`2024-06-${day}T12:00:00Z`);
    expect(await store.idempotency.claim('prune:old', at('01'))).toBe(true);
    expect(await store.idempotency.claim('prune:new', at('20'))).toBe(true);
    expect(await store.idempotency.prune(at('10'))).toBeGreaterThanOrEqual(1);
    expect(await store.idempotency.claim('prune:old', at('21'))).toBe(true);
    expect(await store.idempotency.claim('prune:new', at('21'))).toBe(false);
  });
});
