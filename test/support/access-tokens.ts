import { newAccessToken } from '../../src/people/access-tokens.ts';
import { platform } from './platform.ts';

/**
 * Personal access tokens for `people`, written to the store at `storeUrl` before a service opens
 * it: outside demo mode (another chat surface on, a server token, sign-in) the console acts only
 * as a signed-in person or a token's owner, so a test speaks as each person with their own token.
 * Returns the Authorization header of each.
 */
export const issueAccessTokens = async (storeUrl: string, people: readonly string[]): Promise<Record<string, Record<string, string>>> => {
  const handle = await platform.openStore(storeUrl, { migrate: true });
  try {
    const headers: Record<string, Record<string, string>> = {};
    for (const owner of people) {
      const token = newAccessToken();
      await handle.store.accessTokens.create({ id: token.id, hash: token.hash, owner, createdAt: new Date(), expiresAt: null });
      headers[owner] = { authorization: `Bearer ${token.secret}` };
    }
    return headers;
  } finally {
    await handle.close();
  }
};
