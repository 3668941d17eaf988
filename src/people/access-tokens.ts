import { createHash, randomBytes } from 'node:crypto';

/**
 * Personal access tokens (DESIGN §5): scripts act as their owner and nobody else. The store keeps
 * only a hash of each token, so a copy of the database does not hand out anyone's identity.
 */
export interface AccessToken {
  id: string;
  owner: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface AccessTokenRepository {
  create(token: { id: string; hash: string; owner: string; createdAt: Date; expiresAt: Date | null }): Promise<void>;
  list(): Promise<AccessToken[]>;
  /** Marks it revoked; false when there is no such token or it was revoked already. */
  revoke(id: string, at: Date): Promise<boolean>;
  byHash(hash: string): Promise<AccessToken | null>;
  touch(id: string, at: Date): Promise<void>;
}

export interface AccessTokenRepos {
  accessTokens: AccessTokenRepository;
}

/** `pat_` says what it is to a secret scanner and to a person who finds it in a script. */
const PREFIX = 'pat_';

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export const looksLikeAccessToken = (value: string): boolean => value.startsWith(PREFIX);

/** A new token: the secret is returned once and never stored. */
export const newAccessToken = (): { id: string; secret: string; hash: string } => {
  const id = `tok-${randomBytes(4).toString('hex')}`;
  const secret = `${PREFIX}${randomBytes(32).toString('base64url')}`;
  return { id, secret, hash: hashToken(secret) };
};

/** The owner of a live token, recording its use; null for an unknown, revoked or expired one. */
export const tokenOwner = async (repo: AccessTokenRepository, secret: string, now: Date): Promise<string | null> => {
  const token = await repo.byHash(hashToken(secret));
  if (!token || token.revokedAt || (token.expiresAt && token.expiresAt <= now)) return null;
  await repo.touch(token.id, now);
  return token.owner;
};
