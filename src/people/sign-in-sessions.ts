import { randomBytes } from 'node:crypto';
import { hashToken } from './access-tokens.ts';

/**
 * Console sign-in sessions (OpenID Connect, DESIGN §5). The session cookie names a session; the
 * store says whether it is still live. Signing out ends it here, so a copy of the cookie taken
 * before (another browser, a proxy's log, a stolen profile) stops working at once rather than
 * when its MAC expires. The store keeps only a hash of each id, as it does for access tokens.
 */
export interface SignInSessionRepository {
  start(session: { idHash: string; person: string; startedAt: Date; expiresAt: Date }): Promise<void>;
  /** The person of the session, while it has not ended or expired at `now`; null otherwise. */
  personOf(idHash: string, now: Date): Promise<string | null>;
  /** Ends a live session; false when there was none by that id (already ended, expired, unknown). */
  end(idHash: string, at: Date): Promise<boolean>;
  /** Ends every live session of `person` (a lost laptop, someone who left); returns how many. */
  endAllOf(person: string, at: Date): Promise<number>;
  /** Removes the sessions that ended or expired before `before`; returns how many. */
  prune(before: Date): Promise<number>;
}

export interface SignInSessionRepos {
  signInSessions: SignInSessionRepository;
}

/** The store keeps only this, as it does for access tokens. */
const hashId = hashToken;

/** A new session id: the cookie carries it, the store its hash. */
export const newSessionId = (): string => randomBytes(24).toString('base64url');

export const startSession = async (repo: SignInSessionRepository, id: string, person: string, startedAt: Date, lifetimeMs: number): Promise<void> =>
  repo.start({ idHash: hashId(id), person, startedAt, expiresAt: new Date(startedAt.getTime() + lifetimeMs) });

export const sessionPerson = (repo: SignInSessionRepository, id: string, now: Date): Promise<string | null> => repo.personOf(hashId(id), now);

export const endSession = (repo: SignInSessionRepository, id: string, at: Date): Promise<boolean> => repo.end(hashId(id), at);
