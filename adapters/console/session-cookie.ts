import { createHmac, randomBytes } from 'node:crypto';
import { sameSecret } from './secrets.ts';

/**
 * The signed-in person's session: `<payload>.<mac>` in an HttpOnly SameSite cookie. The MAC key
 * never leaves the server, so a cookie edited to name someone else (or to live longer) is refused.
 */
export const SIGNED_IN_COOKIE = 'patchbot_session';
export const SESSION_HOURS = 12;

export interface SessionCodec {
  seal(person: string, now?: Date): string;
  /** The person a cookie names, or null when it is forged, tampered with or expired. */
  open(value: string, now?: Date): string | null;
}

export const sessionCodec = (secret: string = randomBytes(32).toString('hex')): SessionCodec => {
  const mac = (payload: string) => createHmac('sha256', secret).update(payload).digest('base64url');
  return {
    seal(person, now = new Date()) {
      const payload = Buffer.from(JSON.stringify({ p: person, exp: now.getTime() + SESSION_HOURS * 3600_000 })).toString('base64url');
      return `${payload}.${mac(payload)}`;
    },
    open(value, now = new Date()) {
      const [payload, given, ...rest] = value.split('.');
      if (!payload || !given || rest.length || !sameSecret(given, mac(payload))) return null;
      try {
        const { p, exp } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { p?: unknown; exp?: unknown };
        return typeof p === 'string' && typeof exp === 'number' && exp > now.getTime() ? p : null;
      } catch {
        return null;
      }
    },
  };
};
