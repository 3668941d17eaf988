import { expect, it } from 'vitest';
import { migrate, migrationStatus } from '../adapters/postgres/migrate.ts';
import { verifyChain } from '../src/audit/verify-chain.ts';
import { DuplicateKeyError, MissingReferenceError } from '../src/shared/store-errors.ts';
import { change, host, storeContract } from './support/store-contract.ts';

/**
 * One contract, every engine (DESIGN §7): the same tests on PGlite and on a PostgreSQL server.
 * Each test gets a database of its own (a fresh PGlite from the migrated template, a fresh
 * database on the server), so none depends on what another left behind, and refusals are our
 * typed store errors, never an engine's error codes. Scans and findings are in
 * store-contract-scans.test.ts, access tokens and sign-in sessions in store-contract-credentials.test.ts.
 */
storeContract('store contract', (opened) => {
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
    // ITSM account ids round-trip: approvers are mapped to people by them (src/tickets/itsm-people.ts).
    await store.people.sync([
      { name: 'bob', jira: '5b10ac8d82e05b22cc7d4ef5', servicenow: 'bob.builder', roles: ['cab'] },
      { name: 'eve', roles: [] },
    ]);
    expect(await store.people.list()).toEqual([
      { name: 'bob', jira: '5b10ac8d82e05b22cc7d4ef5', servicenow: 'bob.builder', roles: ['cab'] },
      { name: 'eve', roles: [] },
    ]);
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
