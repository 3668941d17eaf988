import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';

/** An RSA signing key as the Bot Framework publishes it: a JWK with its channel endorsements. */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  jwk: { kty: 'RSA'; use: 'sig'; kid: string; n: string; e: string; endorsements: string[] };
}

export const newSigningKey = (kid: string, endorsements: string[]): SigningKey => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const { n, e } = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  return { kid, privateKey, jwk: { kty: 'RSA', use: 'sig', kid, n, e, endorsements } };
};

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** RS256 as the channel signs (header `{alg, kid, typ, x5t}`); `alg: 'none'` leaves the signature empty. */
export const signJwt = (claims: Record<string, unknown>, key: { kid: string; privateKey: KeyObject }, alg: 'RS256' | 'none' = 'RS256'): string => {
  const head = `${b64({ alg, kid: key.kid, typ: 'JWT', x5t: key.kid })}.${b64(claims)}`;
  if (alg === 'none') return `${head}.`;
  return `${head}.${createSign('RSA-SHA256').update(head).sign(key.privateKey).toString('base64url')}`;
};
