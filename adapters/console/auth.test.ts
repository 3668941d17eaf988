import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../src/server/router.ts';
import type { PeopleRepos } from '../../src/people/people-store.ts';
import type { Person } from '../../src/people/person.ts';
import { stillActsAs } from './api-request.ts';
import { consoleAccess, type Identity, isLoopbackHostHeader, sameSecret } from './auth.ts';
import { SIGNED_IN_COOKIE, sessionCodec } from './session-cookie.ts';

/** Peers other than loopback cannot be produced in a loopback-only test; the decision is checked here. */
const request = (remoteAddress: string, headers: Record<string, string>) => ({ socket: { remoteAddress }, headers }) as unknown as IncomingMessage;

const outcome = async (work: () => Promise<Identity>): Promise<Identity | number> => {
  try {
    return await work();
  } catch (error) {
    if (error instanceof HttpError) return error.status;
    throw error;
  }
};

const noTokens = async () => null;
const noSessions = async () => null;
const alicesToken = async (secret: string) => (secret === 'pat_alice' ? 'alice' : null);

describe('console access', () => {
  it('without a token, refuses peers that are not this machine; loopback is a demo only in demo mode', async () => {
    const demo = consoleAccess({ token: undefined, demo: true, sessions: null, sessionOwner: noSessions, tokenOwner: noTokens });
    expect(await outcome(() => demo.identify(request('192.0.2.7', { host: '127.0.0.1:8080' })))).toBe(403);
    expect(await outcome(() => demo.identify(request('::ffff:10.1.2.3', { host: 'localhost:8080' })))).toBe(403);
    expect(await outcome(() => demo.identify(request('127.0.0.1', { host: 'localhost:8080' })))).toEqual({ kind: 'demo' });
    expect(await outcome(() => demo.identify(request('::1', { host: '[::1]:8080' })))).toEqual({ kind: 'demo' });
    const slackTeam = consoleAccess({ token: undefined, demo: false, sessions: null, sessionOwner: noSessions, tokenOwner: noTokens });
    expect(await outcome(() => slackTeam.identify(request('127.0.0.1', { host: 'localhost:8080' })))).toEqual({ kind: 'anonymous' });
  });

  it.each([
    ['localhost:8080', true],
    ['127.0.0.1', true],
    ['127.1.2.3:80', true],
    ['[::1]:8080', true],
    ['LOCALHOST', true],
    ['evil.example:8080', false],
    ['localhost.evil.example', false],
    ['127.0.0.1.nip.io', false],
    ['', false],
  ])('Host %j is loopback: %s', (host, loopback) => {
    expect(isLoopbackHostHeader(host || undefined)).toBe(loopback);
  });

  it('with a token, lets any peer in that holds it, as nobody in particular', async () => {
    const access = consoleAccess({ token: 'a-very-long-test-token', demo: false, sessions: null, sessionOwner: noSessions, tokenOwner: noTokens });
    expect(await outcome(() => access.identify(request('192.0.2.7', { host: 'patchbot.example.com', authorization: 'Bearer a-very-long-test-token' })))).toEqual({ kind: 'anonymous' });
    expect(await outcome(() => access.identify(request('127.0.0.1', { host: 'localhost' })))).toBe(401);
  });

  it('an access token acts as its owner; an unknown one is a 401', async () => {
    const access = consoleAccess({ token: undefined, demo: true, sessions: null, sessionOwner: noSessions, tokenOwner: alicesToken });
    expect(await outcome(() => access.identify(request('127.0.0.1', { host: 'localhost', authorization: 'Bearer pat_alice' })))).toEqual({
      kind: 'person',
      name: 'alice',
      via: 'access-token',
    });
    expect(await outcome(() => access.identify(request('127.0.0.1', { host: 'localhost', authorization: 'Bearer pat_mallory' })))).toBe(401);
  });

  it('a signed-in session names its person while the store keeps it live; an edited, foreign or ended one is a 401', async () => {
    const sessions = sessionCodec('k'.repeat(40));
    const live = new Map([['sid-alice', 'alice']]);
    const access = consoleAccess({ token: undefined, demo: false, sessions, sessionOwner: async (id) => live.get(id) ?? null, tokenOwner: noTokens });
    const cookie = (value: string) => request('192.0.2.7', { host: 'patchbot.example.com', cookie: `${SIGNED_IN_COOKIE}=${value}` });
    const alice = sessions.seal('sid-alice');
    expect(await outcome(() => access.identify(cookie(alice)))).toEqual({ kind: 'person', name: 'alice', via: 'session' });
    const [, mac] = alice.split('.');
    const edited = `${Buffer.from(JSON.stringify({ k: 'session', v: 'sid-bob', exp: Date.now() + 3600_000 })).toString('base64url')}.${mac}`;
    expect(await outcome(() => access.identify(cookie(edited)))).toBe(401);
    expect(await outcome(() => access.identify(cookie(sessionCodec('x'.repeat(40)).seal('sid-alice'))))).toBe(401);
    expect(sessions.open(sessions.seal('sid-alice', new Date(Date.now() - 13 * 3600_000)))).toBeNull();
    // Signed out: the same, still well-MACed cookie names a session the store no longer has live.
    live.delete('sid-alice');
    expect(await outcome(() => access.identify(cookie(alice)))).toBe(401);
    expect(await outcome(() => access.identify(request('192.0.2.7', { host: 'patchbot.example.com' })))).toBe(401);
  });

  it("says whether an open stream's credentials still act as its person, and throws when the store cannot tell", async () => {
    const sessions = sessionCodec('k'.repeat(40));
    const live = new Map([['sid-bob', 'bob']]);
    let storeAway = false;
    const sessionOwner = async (id: string) => {
      if (storeAway) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      return live.get(id) ?? null;
    };
    const tokens = new Map([['pat_alice', 'alice']]);
    const access = consoleAccess({ token: undefined, demo: false, sessions, sessionOwner, tokenOwner: async (secret) => tokens.get(secret) ?? null });
    const people = new Set(['alice', 'bob']);
    const directory = { people: { get: async (name: string) => (people.has(name) ? ({ name } as Person) : null) } } as PeopleRepos;
    const bob = request('192.0.2.7', { host: 'patchbot.example.com', cookie: `${SIGNED_IN_COOKIE}=${sessions.seal('sid-bob')}` });
    const script = request('192.0.2.8', { host: 'patchbot.example.com', authorization: 'Bearer pat_alice' });

    expect(await stillActsAs(access, directory, bob, 'bob')).toBe(true);
    expect(await stillActsAs(access, directory, bob, 'alice')).toBe(false);
    expect(await stillActsAs(access, directory, script, 'alice')).toBe(true);
    storeAway = true;
    await expect(stillActsAs(access, directory, bob, 'bob')).rejects.toThrow(/ECONNREFUSED/);
    storeAway = false;
    live.delete('sid-bob'); // signed out (here, elsewhere, or `patchbot sign-out bob`)
    expect(await stillActsAs(access, directory, bob, 'bob')).toBe(false);
    people.delete('alice'); // removed from people[]: her token no longer reads anything
    expect(await stillActsAs(access, directory, script, 'alice')).toBe(false);
    people.add('alice');
    tokens.delete('pat_alice'); // revoked
    expect(await stillActsAs(access, directory, script, 'alice')).toBe(false);
  });

  it('compares secrets of any length without throwing', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abc', 'abcd')).toBe(false);
    expect(sameSecret('', 'abc')).toBe(false);
  });
});
