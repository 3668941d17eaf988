import { randomBytes } from 'node:crypto';
import type { FakeReply, FakeRequest } from './http-fake.ts';

export interface ServiceNowCredentials {
  username: string;
  password: string;
  /** Enables /oauth_token.do for this client; tokens live `tokenTtlSeconds` (default 1800). */
  oauth?: { clientId: string; clientSecret: string; tokenTtlSeconds?: number };
}

/**
 * The fake instance's sign-in: Basic auth for the integration user, and /oauth_token.do's password
 * and refresh_token grants (a refresh token works once, as ServiceNow rotates them).
 */
export const serviceNowAuth = ({ username, password, oauth }: ServiceNowCredentials) => {
  const tokens = new Map<string, number>();
  const refreshTokens = new Set<string>();

  const authorised = (request: FakeRequest): boolean => {
    const header = request.headers.authorization ?? '';
    if (header.startsWith('Basic ')) return Buffer.from(header.slice(6), 'base64').toString() === `${username}:${password}`;
    if (header.startsWith('Bearer ')) return (tokens.get(header.slice(7)) ?? 0) > Date.now();
    return false;
  };

  const issueToken = (): FakeReply => {
    const ttl = oauth?.tokenTtlSeconds ?? 1800;
    const access = randomBytes(12).toString('hex');
    const refresh = randomBytes(12).toString('hex');
    tokens.set(access, Date.now() + ttl * 1000);
    refreshTokens.add(refresh);
    return { status: 200, body: { access_token: access, refresh_token: refresh, scope: 'useraccount', token_type: 'Bearer', expires_in: ttl } };
  };

  const oauthGrant = (form: Record<string, string>): FakeReply => {
    const denied = { status: 401, body: { error_description: 'access_denied', error: 'server_error' } };
    if (!oauth || form.client_id !== oauth.clientId || form.client_secret !== oauth.clientSecret) return denied;
    if (form.grant_type === 'password') return form.username === username && form.password === password ? issueToken() : denied;
    if (form.grant_type === 'refresh_token' && form.refresh_token && refreshTokens.delete(form.refresh_token)) return issueToken();
    return denied;
  };

  /** Every access token issued so far stops working, as when an admin revokes them. */
  const revokeTokens = () => tokens.clear();

  return { authorised, oauthGrant, revokeTokens };
};
