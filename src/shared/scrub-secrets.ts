import { createRequire } from 'node:module';

/**
 * pino's Error serialiser, loaded on the first Error scrubbed: every CLI command scrubs its output
 * through this module, and loading pino up front cost each one ~60 ms of start time.
 */
let serializeError: ((error: Error) => unknown) | undefined;
const serializedError = (error: Error): unknown => {
  serializeError ??= (createRequire(import.meta.url)('pino') as typeof import('pino')).stdSerializers.err;
  return serializeError(error);
};

/**
 * Secret-looking substrings of free text. Key-based redaction (pino `redact`) only sees fields named
 * like secrets; these catch the same secrets when they travel inside a message, an error message or
 * stack (a library that echoes the request), or a connection string. Each pattern stays inside one
 * token of text and never spans a double quote, so running it over JSON cannot break the JSON.
 */
const PATTERNS: Array<[RegExp, string | ((match: string, ...groups: string[]) => string)]> = [
  // PEM private keys (RSA, EC, OPENSSH, ENCRYPTED, …); a truncated block is redacted to its end.
  [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(?:[^"]*?-----END [A-Z0-9 ]*PRIVATE KEY-----|[^"]*)/g, '[redacted]'],
  // Slack bot/user/app/config tokens: xoxb-, xoxp-, xoxa-, xoxe-, xapp-.
  [/\bxox[a-z]-[A-Za-z0-9-]+/g, '[redacted]'],
  [/\bxapp-[A-Za-z0-9-]+/g, '[redacted]'],
  // patchbot's own personal access tokens (src/people/access-tokens.ts): pat_ and 43 base64url characters.
  [/\bpat_[A-Za-z0-9_-]{20,}/g, '[redacted]'],
  // Slack incoming-webhook URLs carry their secret in the path.
  [/(hooks\.slack\.com\/services\/)[^\s"'<>]+/g, '$1[redacted]'],
  // JWTs (Teams / Bot Framework tokens): three base64url parts, the first two JSON objects.
  [/\beyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '[redacted]'],
  // HTTP credentials in header-like text: "Authorization: Bearer abc", "Bearer abc".
  [/\b(Bearer)\s+[A-Za-z0-9\-._~+/]+=*/gi, '$1 [redacted]'],
  // "Basic <base64>" — only when the word after it looks like base64, so "Basic setup failed" survives.
  [/\b(Basic)\s+([A-Za-z0-9+/]{6,}={0,2})/g, (match, word, value) => (looksLikeBase64(value) ? `${word} [redacted]` : match)],
  // user:password@ in URLs (postgres://, https://, amqp://, …); the user name stays for debugging.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/"'<>]*:)[^\s@/"'<>]+@/gi, '$1[redacted]@'],
  // Credentials in query strings and key=value text.
  [/\b((?:password|passwd|pwd|token|access_token|refresh_token|client_secret|api_key|apikey|secret|sig)=)[^&\s"'<>]+/gi, '$1[redacted]'],
];

/** Field names whose values are secrets wherever they appear (config sections, HTTP headers, errors). */
export const SECRET_KEYS = [
  'token',
  'botToken',
  'appToken',
  'accessToken',
  'refreshToken',
  'apiToken',
  'personalAccessToken',
  'password',
  'passwd',
  'passphrase',
  'secret',
  'signingSecret',
  'clientSecret',
  'webhookSecret',
  'sharedSecret',
  'apiKey',
  'x-api-key',
  'privateKey',
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
] as const;

// Compared case- and separator-insensitively: `Authorization`, `api_key` and `X-API-Key` all match.
const normaliseKey = (key: string) => key.toLowerCase().replace(/[-_]/g, '');
const SECRET_KEY_SET = new Set<string>(SECRET_KEYS.map(normaliseKey));
export const isSecretKey = (key: string): boolean => SECRET_KEY_SET.has(normaliseKey(key));

const looksLikeBase64 = (value: string) => /[0-9+/=]/.test(value) || /[a-z][A-Z]/.test(value.slice(1));

/** Replaces secret-looking substrings of `text` with `[redacted]`. */
export const scrubSecrets = (text: string): string => {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement as string);
  return out;
};

// Errors from other realms (vm, workers) fail instanceof; the brand check still knows them, and
// does not match the plain object pino's stdSerializers.err returns.
const isError = (value: object): value is Error => value instanceof Error || Object.prototype.toString.call(value) === '[object Error]';

/**
 * A copy of a log object with fields named like secrets (SECRET_KEYS, at any depth) replaced by
 * "[redacted]", every other string scrubbed, and every Error serialised (message, stack,
 * cause, own fields) wherever it sits — JSON.stringify would print a nested Error as `{}` and a
 * secret in its message would never be seen. Never mutates the caller's object; cycles become
 * "[Circular]" as pino's own serialiser would print them.
 */
export const scrubValue = (value: unknown, ancestors: Set<object> = new Set()): unknown => {
  if (typeof value === 'string') return scrubSecrets(value);
  if (value === null || typeof value !== 'object') return value;
  if (ancestors.has(value)) return '[Circular]';
  if (isError(value)) return scrubValue(serializedError(value), ancestors);
  // Dates, URLs, Buffers: take their JSON form first (a URL's href may carry a password).
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return scrubValue((value as { toJSON(): unknown }).toJSON(), ancestors);
  ancestors.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => scrubValue(item, ancestors));
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[key] = item !== undefined && isSecretKey(key) ? '[redacted]' : scrubValue(item, ancestors);
    return copy;
  } finally {
    ancestors.delete(value);
  }
};
