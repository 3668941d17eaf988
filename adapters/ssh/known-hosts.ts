import { createHash, createHmac } from 'node:crypto';

/**
 * OpenSSH known_hosts, read the way `ssh` reads it (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): ssh2
 * does not read it at all, so this is our whole defence against a man in the middle.
 * Lines: `[@marker] patterns keytype base64 [comment]`; patterns are comma-separated names,
 * `[host]:port` for ports other than 22, wildcards `*`/`?`, negations `!pattern`, or hashed
 * `|1|base64(salt)|base64(HMAC-SHA1(salt, name))` entries written by `ssh-keygen -H`.
 */
export interface KnownHostEntry {
  /** `@revoked` refuses the key; `@cert-authority` lines are kept but never trusted (we check no certificates). */
  marker: 'revoked' | 'cert-authority' | null;
  patterns: string;
  keyType: string;
  /** The raw public key blob, the same bytes ssh2 hands to hostVerifier. */
  key: Buffer;
  lineNumber: number;
}

export interface ParsedKnownHosts {
  entries: KnownHostEntry[];
  /** Line numbers that were neither comments nor valid entries; ssh skips them too. */
  invalidLines: number[];
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export const parseKnownHosts = (text: string): ParsedKnownHosts => {
  const entries: KnownHostEntry[] = [];
  const invalidLines: number[] = [];
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'] = null;
    if (fields[0]?.startsWith('@')) {
      const name = fields.shift();
      if (name === '@revoked') marker = 'revoked';
      else if (name === '@cert-authority') marker = 'cert-authority';
      else {
        invalidLines.push(index + 1);
        continue;
      }
    }
    const [patterns, keyType, base64] = fields;
    if (!patterns || !keyType || !base64 || !BASE64.test(base64)) {
      invalidLines.push(index + 1);
      continue;
    }
    entries.push({ marker, patterns, keyType, key: Buffer.from(base64, 'base64'), lineNumber: index + 1 });
  }
  return { entries, invalidLines };
};

/** The name ssh looks up: plain for port 22, `[host]:port` otherwise. */
export const knownHostsName = (host: string, port: number): string => (port === 22 ? host : `[${host}]:${port}`);

const hashedMatches = (pattern: string, name: string): boolean => {
  const [, version, salt, hash] = pattern.split('|');
  if (version !== '1' || !salt || !hash) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
};

const wildcardMatches = (pattern: string, name: string): boolean => {
  if (!/[*?]/.test(pattern)) return pattern === name;
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(name);
};

/** ssh's match_hostname: any positive pattern matches and no negated pattern does. Names compare case-insensitively. */
export const patternsMatch = (patterns: string, name: string): boolean => {
  const lower = name.toLowerCase();
  let matched = false;
  for (const pattern of patterns.split(',')) {
    if (pattern.startsWith('|')) {
      // Hashed names are hashed as written, so compare the name as given as well as lower-cased.
      if (hashedMatches(pattern, name) || hashedMatches(pattern, lower)) matched = true;
    } else if (pattern.startsWith('!')) {
      if (wildcardMatches(pattern.slice(1).toLowerCase(), lower)) return false;
    } else if (wildcardMatches(pattern.toLowerCase(), lower)) matched = true;
  }
  return matched;
};

/** Like `ssh-keygen -lf`: SHA256 of the blob, unpadded base64. */
export const fingerprint = (key: Buffer): string => `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;

/** The algorithm name at the start of a key blob (a uint32 length, then the name). */
export const keyTypeOf = (key: Buffer): string => {
  if (key.length < 4) return 'unknown';
  const length = key.readUInt32BE(0);
  return length > 0 && length < 64 && key.length >= 4 + length ? key.subarray(4, 4 + length).toString('latin1') : 'unknown';
};

export type HostKeyVerdict =
  | { status: 'trusted'; fingerprint: string; lineNumber: number }
  | { status: 'unknown'; fingerprint: string }
  | { status: 'mismatch'; fingerprint: string; known: { keyType: string; fingerprint: string; lineNumber: number }[] }
  | { status: 'revoked'; fingerprint: string; lineNumber: number };

/**
 * The decision ssh makes, in its order: a revoked key is refused even if also listed as trusted;
 * then every name with recorded keys must list this one — another key under any name is a
 * mismatch (the address and the inventory name must not disagree), also when it is of another
 * type, so a man in the middle cannot get a fresh key learned by offering a type we have no
 * entry for. Names with no entries at all make the host unknown.
 */
export const checkHostKey = (entries: readonly KnownHostEntry[], names: readonly string[], key: Buffer): HostKeyVerdict => {
  const print = fingerprint(key);
  const forName = (name: string) => entries.filter((e) => patternsMatch(e.patterns, name));
  const perName = names.map(forName);
  const revoked = perName.flat().find((e) => e.marker === 'revoked' && e.key.equals(key));
  if (revoked) return { status: 'revoked', fingerprint: print, lineNumber: revoked.lineNumber };
  const recorded = perName.map((list) => list.filter((e) => e.marker === null)).filter((list) => list.length > 0);
  const disagreeing = recorded.filter((list) => !list.some((e) => e.key.equals(key)));
  if (disagreeing.length > 0) {
    const lines = [...new Map(disagreeing.flat().map((e) => [e.lineNumber, e])).values()];
    const known = lines.map((e) => ({ keyType: e.keyType, fingerprint: fingerprint(e.key), lineNumber: e.lineNumber }));
    return { status: 'mismatch', fingerprint: print, known };
  }
  const same = recorded.flat().find((e) => e.key.equals(key));
  return same ? { status: 'trusted', fingerprint: print, lineNumber: same.lineNumber } : { status: 'unknown', fingerprint: print };
};

/** The line trust-on-first-use appends: `name keytype base64`, as `ssh` with StrictHostKeyChecking=accept-new writes it. */
export const formatKnownHostsLine = (name: string, key: Buffer): string => `${name} ${keyTypeOf(key)} ${key.toString('base64')}`;
