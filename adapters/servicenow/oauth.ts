import type { AxiosInstance } from 'axios';
import { TicketingError } from '../../src/tickets/ticketing-error.ts';
import { networkError } from './errors.ts';
import { OAuthToken } from './schema.ts';

export interface OAuthCredentials {
  instanceUrl: string;
  username: string;
  password: string;
  clientId: string;
  clientSecret: string;
}

/** Renew this long before the token says it expires, so a request never leaves with a dying token. */
const EARLY_MS = 60_000;

/**
 * OAuth password grant on /oauth_token.do, refreshed with the refresh token and, when that is
 * refused, by a fresh password grant. One request in flight at a time however many callers wait.
 */
export const oauthTokens = (http: AxiosInstance, creds: OAuthCredentials, now: () => Date) => {
  let token: { access: string; refresh: string | null; expiresAt: number } | null = null;
  let inFlight: Promise<string> | null = null;

  const grant = async (form: Record<string, string>): Promise<OAuthToken | { refused: number; said: string }> => {
    const body = new URLSearchParams({ client_id: creds.clientId, client_secret: creds.clientSecret, ...form });
    const what = `getting an OAuth token (${form.grant_type} grant)`;
    const res = await http.post('/oauth_token.do', body, { validateStatus: () => true }).catch((error: unknown) => {
      throw networkError(error, what, creds.instanceUrl);
    });
    if (res.status >= 500 || res.status === 429) {
      throw new TicketingError('retryable', 'servicenow', `${what}: ServiceNow answered ${res.status}`, { status: res.status });
    }
    const parsed = OAuthToken.safeParse(res.data);
    if (res.status === 200 && parsed.success) return parsed.data;
    const said = typeof res.data === 'object' && res.data !== null ? JSON.stringify(res.data).slice(0, 200) : String(res.status);
    return { refused: res.status, said };
  };

  const fetchToken = async (): Promise<string> => {
    let answer = token?.refresh ? await grant({ grant_type: 'refresh_token', refresh_token: token.refresh }) : null;
    if (answer === null || 'refused' in answer) answer = await grant({ grant_type: 'password', username: creds.username, password: creds.password });
    if ('refused' in answer) {
      throw new TicketingError(
        'auth',
        'servicenow',
        `ServiceNow refused the OAuth password grant for ${creds.username} (${answer.refused}: ${answer.said}); check itsm.servicenow.oauth.clientId / clientSecret and the user's password`,
        { status: answer.refused },
      );
    }
    const expiresIn = (answer.expires_in ?? 1800) * 1000;
    token = { access: answer.access_token, refresh: answer.refresh_token ?? token?.refresh ?? null, expiresAt: now().getTime() + expiresIn };
    return token.access;
  };

  return {
    async get(): Promise<string> {
      if (token && token.expiresAt - EARLY_MS > now().getTime()) return token.access;
      inFlight ??= fetchToken().finally(() => {
        inFlight = null;
      });
      return inFlight;
    },
    /** After a 401: the instance revoked or expired the token early; the next get() renews it. */
    invalidate(): void {
      if (token) token.expiresAt = 0;
    },
  };
};
