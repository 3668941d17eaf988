import { createHmac, randomBytes } from 'node:crypto';
import { sameSecret } from './secrets.ts';

/**
 * The signed-in person's session: `<payload>.<mac>` in an HttpOnly SameSite cookie, naming a
 * session the store keeps (src/people/sign-in-sessions.ts: sign-out ends it there). The MAC key
 * never leaves the server, so an edited cookie is refused before the store is asked.
 */
export const SIGNED_IN_COOKIE = 'patchbot_session';
export const SESSION_HOURS = 12;

/** A sign-in under way (PKCE verifier, state, nonce): kept by the browser that started it, not in memory. */
export const LOGIN_COOKIE = 'patchbot_login';
export const LOGIN_MINUTES = 10;

export interface PendingLogin {
  state: string;
  verifier: string;
  nonce: string;
}

export interface SessionCodec {
  seal(sessionId: string, now?: Date): string;
  /** The session id a cookie carries, or null when it is forged, tampered with or expired. */
  open(value: string, now?: Date): string | null;
  sealLogin(login: PendingLogin, now?: Date): string;
  /** The login a cookie carries, or null when it is forged, tampered with or too old. */
  openLogin(value: string, now?: Date): PendingLogin | null;
}

/** MACed, expiring values: what one server (or any replica sharing its secret) sealed, it can open. */
const sealer = (secret: string) => {
  const mac = (payload: string) => createHmac('sha256', secret).update(payload).digest('base64url');
  return {
    seal(kind: string, value: unknown, lifetimeMs: number, now: Date): string {
      const payload = Buffer.from(JSON.stringify({ k: kind, v: value, exp: now.getTime() + lifetimeMs })).toString('base64url');
      return `${payload}.${mac(payload)}`;
    },
    open(kind: string, sealed: string, now: Date): unknown {
      const [payload, given, ...rest] = sealed.split('.');
      if (!payload || !given || rest.length || !sameSecret(given, mac(payload))) return null;
      try {
        const { k, v, exp } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { k?: unknown; v?: unknown; exp?: unknown };
        // The kind keeps a login cookie from being replayed as a session, and the other way round.
        return k === kind && typeof exp === 'number' && exp > now.getTime() ? v : null;
      } catch {
        return null;
      }
    },
  };
};

const isLogin = (v: unknown): v is PendingLogin =>
  typeof v === 'object' && v !== null && ['state', 'verifier', 'nonce'].every((key) => typeof (v as Record<string, unknown>)[key] === 'string');

export const sessionCodec = (secret: string = randomBytes(32).toString('hex')): SessionCodec => {
  const sealed = sealer(secret);
  return {
    seal: (sessionId, now = new Date()) => sealed.seal('session', sessionId, SESSION_HOURS * 3600_000, now),
    open(value, now = new Date()) {
      const sessionId = sealed.open('session', value, now);
      return typeof sessionId === 'string' ? sessionId : null;
    },
    sealLogin: (login, now = new Date()) => sealed.seal('login', login, LOGIN_MINUTES * 60_000, now),
    openLogin(value, now = new Date()) {
      const login = sealed.open('login', value, now);
      return isLogin(login) ? login : null;
    },
  };
};
