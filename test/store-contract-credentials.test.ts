import { expect, it } from 'vitest';
import { hashToken, newAccessToken, tokenOwner } from '../src/people/access-tokens.ts';
import { endSession, newSessionId, sessionPerson, startSession } from '../src/people/sign-in-sessions.ts';
import { storeContract } from './support/store-contract.ts';

/** The store contract (store-contract.test.ts) for who may act: access tokens and console sign-in sessions, kept as hashes. */
storeContract('store contract, credentials', (opened) => {
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
});
