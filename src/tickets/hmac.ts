import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Checks a `sha256=<digest>` signature of `body` under `secret`, in constant time. The digest may be
 * hex (Jira, GitHub) or base64 (what ServiceNow's GlideCertificateEncryption.generateMac returns),
 * so the ServiceNow business rule can send its MAC unconverted.
 */
export const hmacSha256Matches = (secret: string, body: Buffer, signature: string): boolean => {
  const match = /^sha256=(.+)$/i.exec(signature.trim());
  if (!match) return false;
  const given = decodeDigest(match[1]!);
  if (!given) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
};

const decodeDigest = (text: string): Buffer | null => {
  if (/^[0-9a-f]{64}$/i.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/]{43}=$/.test(text)) return Buffer.from(text, 'base64');
  return null;
};

export const hmacSha256Hex = (secret: string, body: Buffer | string): string => createHmac('sha256', secret).update(body).digest('hex');
