import type { ServerResponse } from 'node:http';
import * as client from 'openid-client';
import type { ConsoleOidc } from '../../src/config/schema-chat.ts';
import type { PeopleRepository } from '../../src/people/people-store.ts';
import { endSession, newSessionId, type SignInSessionRepository, startSession } from '../../src/people/sign-in-sessions.ts';
import type { Person } from '../../src/people/person.ts';
import type { HttpServer } from '../../src/server/http-server.ts';
import { HttpError } from '../../src/server/router.ts';
import type { Logger } from '../../src/shared/logger.ts';
import { sameOrigin } from './auth.ts';
import { cookieOf } from './secrets.ts';
import { LOGIN_COOKIE, LOGIN_MINUTES, SESSION_HOURS, SIGNED_IN_COOKIE, type SessionCodec } from './session-cookie.ts';

const IDP_TIMEOUT_S = 10;

const redirect = (res: ServerResponse, location: string, cookies: string[] = []) => {
  res.writeHead(303, { location, 'cache-control': 'no-store', ...(cookies.length ? { 'set-cookie': cookies } : {}) });
  res.end();
};

/** The configured person an ID token's claim names: by email, or by name for any other claim. */
export const personOf = async (people: Pick<PeopleRepository, 'findBy' | 'get'>, oidc: ConsoleOidc, claims: Record<string, unknown>): Promise<{ person: Person | null; said: string }> => {
  const value = claims[oidc.claim];
  if (typeof value !== 'string' || value === '') throw new HttpError(403, `the ID token has no "${oidc.claim}" claim; ask the IdP to release it, or set chat.console.oidc.claim`);
  if (oidc.claim === 'email' && claims.email_verified === false) throw new HttpError(403, `the IdP says ${value} is not verified`);
  // An address the IdP does not vouch for may be one its user typed: no proof of who they are.
  if (oidc.claim === 'email' && claims.email_verified === undefined && !oidc.trustUnverifiedEmail) {
    throw new HttpError(
      403,
      `the IdP did not say whether ${value} is verified (no email_verified claim). Use a claim the IdP guarantees (chat.console.oidc.claim), or, when every address at this IdP is managed by your organisation (e.g. a single-tenant Entra ID), set chat.console.oidc.trustUnverifiedEmail: true`,
    );
  }
  const person = oidc.claim === 'email' ? ((await people.findBy('email', value.toLowerCase())) ?? (await people.findBy('email', value))) : await people.get(value);
  return { person, said: value };
};

/**
 * Sign-in with OpenID Connect (authorization code + PKCE, openid-client): /auth/login sends the
 * browser to the IdP, the redirect URL takes the code back, and a MACed session cookie names the
 * person whose email (or configured claim) the ID token carries. Unknown people are refused.
 * The sign-in under way lives in a sealed cookie of the browser that started it, not in this
 * process: a restart or another replica can finish it, memory cannot be flooded, and a callback
 * URL carried to another browser (login CSRF) finds no cookie there and is refused.
 */
export const mountOidc = (
  server: HttpServer,
  { oidc, sessions, people, signIns, log }: { oidc: ConsoleOidc; sessions: SessionCodec; people: PeopleRepository; signIns: SignInSessionRepository; log: Logger },
): void => {
  const redirectUrl = new URL(oidc.redirectUrl);
  const secure = redirectUrl.protocol === 'https:';
  let discovered: Promise<client.Configuration> | null = null;
  const configuration = () => {
    discovered ??= client
      .discovery(new URL(oidc.issuer), oidc.clientId, oidc.clientSecret ?? {}, oidc.clientSecret ? client.ClientSecretBasic(oidc.clientSecret) : client.None(), {
        timeout: IDP_TIMEOUT_S,
        // http issuers only on loopback or where the operator wrote http:// on purpose (a test IdP).
        ...(new URL(oidc.issuer).protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {}),
      })
      .catch((error: unknown) => {
        discovered = null; // try again on the next login rather than failing until restart
        throw new HttpError(502, `the OpenID provider at ${oidc.issuer} did not answer discovery: ${(error as Error).message}`);
      });
    return discovered;
  };
  const cookie = (name: string, value: string, maxAgeS: number) => `${name}=${value}; HttpOnly; SameSite=Lax; Path=/; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`;

  server.route('GET', '/auth/login', async ({ res }) => {
    const config = await configuration();
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUrl.href,
      scope: 'openid email profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    redirect(res, url.href, [cookie(LOGIN_COOKIE, sessions.sealLogin({ state, verifier, nonce }), LOGIN_MINUTES * 60)]);
  });

  server.route('GET', redirectUrl.pathname, async ({ req, res, url }) => {
    const state = url.searchParams.get('state') ?? '';
    const sealed = cookieOf(req, LOGIN_COOKIE);
    const login = sealed === undefined ? null : sessions.openLogin(sealed);
    if (!login || login.state !== state) throw new HttpError(400, 'this sign-in was not started in this browser, or took too long: start again at /auth/login');
    const config = await configuration();
    const back = new URL(redirectUrl);
    back.search = url.search;
    let claims: Record<string, unknown>;
    try {
      const tokens = await client.authorizationCodeGrant(config, back, { pkceCodeVerifier: login.verifier, expectedState: state, expectedNonce: login.nonce });
      claims = tokens.claims() ?? {};
      // Many IdPs put scope claims (email) only in userinfo when an access token is issued.
      if (claims[oidc.claim] === undefined && typeof claims.sub === 'string') {
        claims = { ...(await client.fetchUserInfo(config, tokens.access_token, claims.sub)), ...claims };
      }
    } catch (error) {
      log.warn({ err: error as Error }, 'console sign-in failed');
      throw new HttpError(401, `sign-in failed: ${(error as Error).message}`);
    }
    const { person, said } = await personOf(people, oidc, claims);
    if (!person) {
      log.warn({ claim: oidc.claim }, 'console sign-in refused: not in people[]');
      throw new HttpError(403, `${said} signed in, but no one in people[] has that ${oidc.claim === 'email' ? 'email' : 'name'}: ask an admin to add them to the patchbot config`);
    }
    const sessionId = newSessionId();
    await startSession(signIns, sessionId, person.name, new Date(), SESSION_HOURS * 3600_000);
    log.info({ person: person.name }, 'console sign-in');
    redirect(res, '/', [cookie(SIGNED_IN_COOKIE, sessions.seal(sessionId), SESSION_HOURS * 3600), cookie(LOGIN_COOKIE, '', 0)]);
  });

  // A POST from the page, not a link: an image or link on another site must not sign anyone out
  // (a SameSite=Lax cookie still rides along a cross-site GET navigation).
  server.route('POST', '/auth/logout', async ({ req, res }) => {
    if (!sameOrigin(req)) throw new HttpError(403, 'cross-origin request refused: sign out from the console page');
    // Ended in the store, not only cleared here: a copy of the cookie is refused from now on.
    const sealed = cookieOf(req, SIGNED_IN_COOKIE);
    const sessionId = sealed === undefined ? null : sessions.open(sealed);
    if (sessionId !== null && (await endSession(signIns, sessionId, new Date()))) log.info('console sign-out');
    // The page goes to /auth/signed-out, not `/`: that would send the browser straight to the IdP, which may sign it in again.
    res.writeHead(204, { 'cache-control': 'no-store', 'set-cookie': [cookie(SIGNED_IN_COOKIE, '', 0)] });
    res.end();
  });
  server.route('GET', '/auth/logout', ({ res }) => {
    res.writeHead(405, { allow: 'POST', 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end('Sign out with the Sign out button on the console page (a POST): a link cannot sign anyone out.\n');
  });

  server.route('GET', '/auth/signed-out', ({ res }) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': "default-src 'none'" });
    res.end('<!doctype html><title>patchbot</title><p id="signed-out">You are signed out of patchbot. <a href="/auth/login">Sign in again</a></p>');
  });
};
