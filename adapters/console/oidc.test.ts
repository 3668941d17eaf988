import { describe, expect, it } from 'vitest';
import { ConsoleOidc } from '../../src/config/schema-chat.ts';
import type { Person } from '../../src/people/person.ts';
import { personOf } from './oidc.ts';

const carol: Person = { name: 'carol', email: 'carol@example.com', roles: [] };
const people = {
  findBy: async (key: string, value: string) => (key === 'email' && value === carol.email ? carol : null),
  get: async (name: string) => (name === carol.name ? carol : null),
};
const oidc = (extra: Record<string, unknown> = {}) =>
  ConsoleOidc.parse({ issuer: 'https://idp.example', clientId: 'patchbot', redirectUrl: 'https://patchbot.example/auth/callback', ...extra });

describe('the person an ID token names', () => {
  it('takes a verified email; refuses one the IdP calls unverified or does not vouch for, unless told to trust it', async () => {
    expect((await personOf(people, oidc(), { email: 'carol@example.com', email_verified: true })).person?.name).toBe('carol');
    await expect(personOf(people, oidc(), { email: 'carol@example.com', email_verified: false })).rejects.toThrow(/the IdP says carol@example.com is not verified/);
    await expect(personOf(people, oidc(), { email: 'carol@example.com' })).rejects.toThrow(/did not say whether carol@example.com is verified/);
    expect((await personOf(people, oidc({ trustUnverifiedEmail: true }), { email: 'carol@example.com' })).person?.name).toBe('carol');
    // Told to trust unstated addresses, not ones the IdP says are unverified.
    await expect(personOf(people, oidc({ trustUnverifiedEmail: true }), { email: 'carol@example.com', email_verified: false })).rejects.toThrow(/not verified/);
    // Another claim names a person directly; verification of an email does not apply.
    expect((await personOf(people, oidc({ claim: 'preferred_username' }), { preferred_username: 'carol' })).person?.name).toBe('carol');
  });
});
