/**
 * Which config values are secrets, and a redacted copy of a config for `config check --print`
 * (DESIGN §8: secrets are redacted in logs and never shown in chat). Key names decide, so a new
 * `somethingToken` key is covered without touching this file.
 */

/**
 * Key names holding secrets: token, botToken, apiToken, personalAccessToken, password,
 * appPassword, secret, signingSecret, clientSecret, webhookSecret, privateKey, authorization,
 * passphrase, cookie… Anchored at the end so that `privateKeyPath` or `tokenUrl` stay visible.
 */
export const SECRET_KEY_PATTERN = /(token|password|secret|privatekey|authorization|passphrase|credentials?|cookie)$/i;

export const REDACTED = '[redacted]';

/** `postgres://user:pw@host/db` → `postgres://user:[redacted]@host/db`: store URLs carry passwords. */
export const redactUrl = (text: string): string => text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/:@\s]*):[^/@\s]+@/i, `$1:${REDACTED}@`);

const redactValue = (value: unknown, key: string | undefined): unknown => {
  if (key !== undefined && SECRET_KEY_PATTERN.test(key) && value !== undefined && value !== null && typeof value !== 'boolean') {
    return REDACTED;
  }
  if (typeof value === 'string') return redactUrl(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, undefined));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, redactValue(inner, name)]));
  }
  return value;
};

/** A deep copy with every secret value replaced by `[redacted]`; the input is left untouched. */
export const redactConfig = <T>(config: T): T => redactValue(config, undefined) as T;
