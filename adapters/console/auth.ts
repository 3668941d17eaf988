import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from '../../src/server/router.ts';
import { isLoopbackPeer, relayedByProxy } from '../../src/server/loopback-peer.ts';
import { cookieOf, header, sameSecret } from './secrets.ts';
import { SIGNED_IN_COOKIE, type SessionCodec } from './session-cookie.ts';

export { sameSecret } from './secrets.ts';

export const SESSION_COOKIE = 'patchbot_console';
const COOKIE_MAX_AGE_S = 30 * 24 * 3600;

/** The cookie carries a value derived from the token, so a leaked cookie jar does not leak the token itself. */
const sessionValue = (token: string) => createHmac('sha256', token).update('patchbot console session v1').digest('base64url');

/**
 * Who is asking (DESIGN §5). `demo`: anyone, acting as whoever `as=` names. `person`: a signed-in
 * person or an access token's owner, acting as that person only. `anonymous`: let in (server.token,
 * or loopback outside demo mode) but acting as nobody.
 */
export type Identity = { kind: 'demo' } | { kind: 'person'; name: string; via: 'session' | 'access-token' } | { kind: 'anonymous' };

/**
 * Host names a browser only resolves to this machine. Without a token, any other Host header means
 * a page on another site reached us by DNS rebinding (its name now points at 127.0.0.1).
 */
export const isLoopbackHostHeader = (value: string | undefined): boolean => {
  if (!value) return false;
  const host = value.toLowerCase();
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  return name === 'localhost' || name === '[::1]' || /^127(\.\d{1,3}){3}$/.test(name);
};

export interface ConsoleAccess {
  /** Who the request is from; throws HttpError (401/403) when it may not reach the console at all. */
  identify(req: IncomingMessage): Promise<Identity>;
  /** Throws HttpError (415/403) unless a state-changing request is JSON from our own origin (CSRF). */
  checkWrite(req: IncomingMessage): void;
  /** Answers `/?token=…`: sets the session cookie and redirects to `/`; false when there is no token to take. */
  login(req: IncomingMessage, res: ServerResponse, url: URL): boolean;
}

export interface AccessOptions {
  /** server.token: lets a client reach the console, never act as a person. */
  token: string | undefined;
  demo: boolean;
  /** OpenID Connect sessions, when sign-in is configured. */
  sessions: SessionCodec | null;
  /** The person of a live sign-in session, or null for an unknown, ended or expired one. */
  sessionOwner: (sessionId: string) => Promise<string | null>;
  /** The owner of a personal access token, or null for an unknown, expired or revoked one. */
  tokenOwner: (secret: string) => Promise<string | null>;
}

/** False for a request a page of another site made (fetch metadata or Origin), true for our page and for non-browsers. */
export const sameOrigin = (req: IncomingMessage): boolean => {
  // Fetch metadata, where the browser sends it, says the same without parsing anything.
  if (header(req, 'sec-fetch-site') === 'cross-site') return false;
  const origin = header(req, 'origin');
  if (origin === undefined) return true; // not a browser, or a same-origin GET: curl and scripts
  try {
    // Host only, not scheme: behind a TLS proxy the page is https while the hop to us is http.
    return new URL(origin).host === (header(req, 'host') ?? '').toLowerCase();
  } catch {
    return false; // `Origin: null` (sandboxed frames, file://) is never our page
  }
};

export const consoleAccess = ({ token, demo, sessions, sessionOwner, tokenOwner }: AccessOptions): ConsoleAccess => ({
  async identify(req) {
    const auth = header(req, 'authorization') ?? '';
    const bearer = auth.startsWith('Bearer ') ? auth.slice(7) : null;
    if (bearer?.startsWith('pat_')) {
      const owner = await tokenOwner(bearer);
      if (!owner) throw new HttpError(401, 'this access token is unknown, expired or revoked; `patchbot token list` shows the live ones');
      return { kind: 'person', name: owner, via: 'access-token' };
    }
    const signedIn = sessions ? cookieOf(req, SIGNED_IN_COOKIE) : undefined;
    if (sessions && signedIn !== undefined) {
      const sessionId = sessions.open(signedIn);
      const name = sessionId === null ? null : await sessionOwner(sessionId);
      if (!name) throw new HttpError(401, 'the sign-in session is invalid or expired, or was signed out: sign in again at /auth/login');
      return { kind: 'person', name, via: 'session' };
    }
    if (token !== undefined) {
      const cookie = cookieOf(req, SESSION_COOKIE);
      if ((bearer !== null && sameSecret(bearer, token)) || (cookie !== undefined && sameSecret(cookie, sessionValue(token)))) return { kind: 'anonymous' };
    }
    if (sessions) throw new HttpError(401, 'sign in first: open /auth/login (scripts send a personal access token as Authorization: Bearer pat_…)');
    if (token !== undefined) {
      throw new HttpError(401, 'the console needs the server token: send Authorization: Bearer <token>, or open /?token=<token> once in the browser', {
        'www-authenticate': 'Bearer realm="patchbot"',
      });
    }
    // A reverse proxy on this machine is a loopback peer: without a token its clients would be taken for local users.
    if (relayedByProxy(req))
      throw new HttpError(403, 'the console answers only this machine unless server.token is set; this request came through a proxy (Forwarded / X-Forwarded-* / X-Real-IP)');
    if (!isLoopbackPeer(req)) throw new HttpError(403, 'the console answers only this machine unless server.token is set');
    if (!isLoopbackHostHeader(header(req, 'host')))
      throw new HttpError(403, 'the Host header must name this machine (localhost or 127.0.0.1); other names are refused to stop DNS rebinding');
    return demo ? { kind: 'demo' } : { kind: 'anonymous' };
  },
  checkWrite(req) {
    if (!(header(req, 'content-type') ?? '').toLowerCase().startsWith('application/json')) throw new HttpError(415, 'send the body as JSON with Content-Type: application/json');
    if (!sameOrigin(req)) throw new HttpError(403, 'cross-origin request refused: the Origin header is not this console');
  },
  login(req, res, url) {
    const given = url.searchParams.get('token');
    if (token === undefined || given === null) return false;
    if (!sameSecret(given, token)) throw new HttpError(401, 'the token in the address does not match server.token');
    res.writeHead(303, {
      location: '/',
      'set-cookie': `${SESSION_COOKIE}=${sessionValue(token)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${COOKIE_MAX_AGE_S}`,
      'cache-control': 'no-store',
      // The address held the token: keep it out of Referer headers.
      'referrer-policy': 'no-referrer',
    });
    res.end();
    return true;
  },
});
