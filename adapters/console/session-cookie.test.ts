import { describe, expect, it } from 'vitest';
import { sessionCodec } from './session-cookie.ts';

const SECRET = 's'.repeat(40);
const login = { state: 'st-1', verifier: 'v'.repeat(43), nonce: 'n-1' };

describe('sealed console cookies', () => {
  it('a login sealed by one server is opened by another sharing its secret (a restart, a second replica)', () => {
    const sealed = sessionCodec(SECRET).sealLogin(login);
    expect(sessionCodec(SECRET).openLogin(sealed)).toEqual(login);
    expect(sessionCodec('o'.repeat(40)).openLogin(sealed)).toBeNull();
  });

  it('a login is good for ten minutes only', () => {
    const codec = sessionCodec(SECRET);
    const started = new Date('2026-12-05T10:00:00Z');
    const sealed = codec.sealLogin(login, started);
    expect(codec.openLogin(sealed, new Date('2026-12-05T10:09:00Z'))).toEqual(login);
    expect(codec.openLogin(sealed, new Date('2026-12-05T10:10:01Z'))).toBeNull();
  });

  it('a login cookie is never a session, and a session never a login', () => {
    const codec = sessionCodec(SECRET);
    expect(codec.open(codec.sealLogin(login))).toBeNull();
    expect(codec.openLogin(codec.seal('alice'))).toBeNull();
  });

  it('refuses an edited login (another state carried with the old MAC)', () => {
    const codec = sessionCodec(SECRET);
    const [, mac] = codec.sealLogin(login).split('.');
    const edited = `${Buffer.from(JSON.stringify({ k: 'login', v: { ...login, state: 'attacker' }, exp: Date.now() + 60_000 })).toString('base64url')}.${mac}`;
    expect(codec.openLogin(edited)).toBeNull();
    expect(codec.openLogin('garbage')).toBeNull();
  });
});
