import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from '../../src/server/router.ts';
import { isLoopbackPeer } from '../../src/server/loopback-peer.ts';

export const SESSION_COOKIE = 'patchbot_console';
const COOKIE_MAX_AGE_S = 30 * 24 * 3600;

/** Hashing both sides first keeps the comparison constant-time in the length too. */
export const sameSecret = (given: string, expected: string): boolean =>
  timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest());

/** The cookie carries a value derived from the token, so a leaked cookie jar does not leak the token itself. */
const sessionValue = (token: string) => createHmac('sha256', token).update('patchbot console session v1').digest('base64url');

/**
 * Host names a browser only resolves to this machine. Without a token, any other Host header means
 * a page on another site reached us by DNS rebinding (its name now points at 127.0.0.1).
 */
export const isLoopbackHostHeader = (header: string | undefined): boolean => {
  if (!header) return false;
  const host = header.toLowerCase();
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  return name === 'localhost' || name === '[::1]' || /^127(\.\d{1,3}){3}$/.test(name);
};

const cookieOf = (req: IncomingMessage, name: string): string | undefined => {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
};

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

export interface ConsoleAccess {
  /** Throws HttpError (401/403/415) unless the request may reach the console. */
  check(req: IncomingMessage, options: { stateChanging: boolean }): void;
  /** Answers `/?token=…`: sets the session cookie and redirects to `/`; false when there is no token to take. */
  login(req: IncomingMessage, res: ServerResponse, url: URL): boolean;
}

/**
 * Who may use the console (DESIGN §8). Without `server.token`: loopback peers, asking by a loopback
 * name. With one: its bearer or the session cookie. Either way, a state-changing request must be
 * JSON from our own origin, which a cross-site form or a cross-origin fetch cannot forge.
 */
export const consoleAccess = (token: string | undefined): ConsoleAccess => {
  const authenticated = (req: IncomingMessage): boolean => {
    if (token === undefined) return true;
    const auth = header(req, 'authorization') ?? '';
    if (auth.startsWith('Bearer ') && sameSecret(auth.slice(7), token)) return true;
    const cookie = cookieOf(req, SESSION_COOKIE);
    return cookie !== undefined && sameSecret(cookie, sessionValue(token));
  };

  const sameOrigin = (req: IncomingMessage): boolean => {
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

  return {
    check(req, { stateChanging }) {
      if (token === undefined) {
        if (!isLoopbackPeer(req)) throw new HttpError(403, 'the console answers only this machine unless server.token is set');
        if (!isLoopbackHostHeader(header(req, 'host'))) throw new HttpError(403, 'the Host header must name this machine (localhost or 127.0.0.1); other names are refused to stop DNS rebinding');
      } else if (!authenticated(req)) {
        throw new HttpError(401, 'the console needs the server token: send Authorization: Bearer <token>, or open /?token=<token> once in the browser', { 'www-authenticate': 'Bearer realm="patchbot"' });
      }
      if (!stateChanging) return;
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
  };
};
